"""What mail an event sends, to whom: plain text and escaped HTML, the ticket number in
the subject. Internal notes never produce mail."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from domain.application import HelpDesk
from domain.errors import NotFound
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Attachment, Role
from projections.directory.handlers import DirectoryProjection
from projections.directory.queries import staff_to_notify
from projections.view_store import ViewStore

from .actors import NOTIFIER
from .follower import Behind


@dataclass(frozen=True)
class Mail:
    message_id: str
    recipient: str
    subject: str
    text: str
    html: str
    position: int
    attachments: tuple[Attachment, ...] = ()
    """A public reply's files (`mail_attachments`)."""


def compose(helpdesk: HelpDesk, views: ViewStore, position: int, event: Any) -> list[Mail]:
    ticket = helpdesk.ticket(event.originator_id, NOTIFIER, event.originator_version)
    title = f"[#{ticket.number}] {ticket.subject}"
    if isinstance(event, Ticket.Replied) and event.actor_role is not Role.CUSTOMER:
        return _to(
            helpdesk,
            [ticket.customer_id],
            event,
            position,
            f"Re: {title}",
            event.body,
            "Reply to this ticket in the help desk.",
        )
    if isinstance(event, Ticket.Resolved):
        return _to(
            helpdesk,
            [ticket.customer_id],
            event,
            position,
            f"Resolved: {title}",
            event.resolution,
            "If this solves it, confirm by closing the ticket; if not, reopen it.",
        )
    if isinstance(event, Ticket.Assigned) and event.agent_id is not None:
        return _to(
            helpdesk,
            [event.agent_id],
            event,
            position,
            f"Assigned to you: {title}",
            ticket.messages[0].body,
            f"Priority {ticket.priority.value}.",
        )
    if isinstance(event, (Ticket.SLAWarning, Ticket.SLABreached)):
        kind = "SLA breached" if isinstance(event, Ticket.SLABreached) else "SLA warning"
        target = event.target.value.replace("_", " ")
        return _to(
            helpdesk,
            _department_staff(views, position, ticket.department_id),
            event,
            position,
            f"{kind}: {title}",
            f"The {target} is due {rfc3339(event.due)}.",
            "Open the ticket in the help desk.",
        )
    return []


def _to(
    helpdesk: HelpDesk,
    people: list[Any],
    event: Ticket.Event,
    position: int,
    subject: str,
    body: str,
    footer: str,
) -> list[Mail]:
    mails = []
    for person_id in people:
        if person_id is None:
            continue
        try:
            email = helpdesk.person(person_id).email
        except NotFound:
            continue
        mails.append(
            Mail(
                message_id=f"<{uuid5(event.event_id, email.lower())}@ticketing>",
                recipient=email,
                subject=subject,
                text=f"{body}\n\n--\n{footer}\n",
                html=f"<p>{html.escape(body).replace(chr(10), '<br>')}</p>"
                f"<hr><p>{html.escape(footer)}</p>",
                position=position,
            )
        )
    return mails


def _department_staff(views: ViewStore, position: int, department_id: UUID | None) -> list[UUID]:
    """The department's agents and every supervisor, as the directory shows them once it
    has seen the event (they hear of its SLA warnings and breaches)."""
    if department_id is None:
        return []
    if views.position(DirectoryProjection.name) < position:
        raise Behind(f"the directory has not reached position {position}")
    return [contact.person_id for contact in staff_to_notify(views, department_id)]
