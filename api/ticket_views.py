"""Shapes tickets and their events for the caller: customers never see notes."""

from __future__ import annotations

from domain.sla import SLAClock, Target, state
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Attachment, Role
from projections.plain import plain
from projections.sla_clock import due
from readside.event_log import Positioned

from .ticket_schemas import (
    AttachmentView,
    BreachView,
    HistoryItem,
    MessageView,
    ReviewView,
    SLAView,
    TicketView,
)


def ticket_view(ticket: Ticket, role: Role) -> TicketView:
    review = ticket.review
    return TicketView(
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status,
        priority=ticket.priority,
        department_id=ticket.department_id,
        assignee_id=ticket.assignee_id,
        customer_id=ticket.customer_id,
        help_topic_id=ticket.help_topic_id,
        created_at=rfc3339(ticket.created_on),
        updated_at=rfc3339(ticket.modified_on),
        version=ticket.version,
        sla=sla_view(ticket.sla),
        messages=[
            MessageView(
                id=m.id,
                kind=m.kind.value,
                author_id=m.author_id,
                author_role=m.author_role.value,
                body=m.body,
                at=rfc3339(m.at),
                attachments=[attachment_view(a) for a in m.attachments],
            )
            for m in ticket.visible_messages(role)
        ],
        review=None
        if review is None
        else ReviewView(rating=review.rating, comment=review.comment, at=rfc3339(review.at)),
        resolution=ticket.resolution,
    )


def attachment_view(attachment: Attachment) -> AttachmentView:
    return AttachmentView(
        id=attachment.id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
    )


def sla_view(clock: SLAClock | None) -> SLAView:
    if clock is None:
        return SLAView()
    return SLAView(
        plan_id=clock.terms.plan_id,
        plan_version=clock.terms.plan_version,
        cycle=clock.cycle,
        first_response_due=due(clock, Target.FIRST_RESPONSE),
        resolution_due=due(clock, Target.RESOLUTION),
        next_response_due=due(clock, Target.NEXT_RESPONSE),
        paused=clock.paused_since is not None,
        state=state(clock),
        breaches=[
            BreachView(target=b.target.value, cycle=b.cycle, due=rfc3339(b.due), at=rfc3339(b.at))
            for b in clock.breaches
        ],
    )


def history_item(positioned: Positioned) -> HistoryItem:
    event = positioned.event
    return HistoryItem(
        position=positioned.position,
        version=event.originator_version,
        type=type(event).__name__,
        occurred_at=rfc3339(event.timestamp),
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        correlation_id=event.correlation_id,
        causation_id=event.causation_id,
        data=plain(event.data()),
    )
