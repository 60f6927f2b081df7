"""A ticket's page: its thread (notes marked internal, never on a customer's page), its
SLA with a live countdown, the forms its reader may use, and its history; the same page
shows the ticket as it was at any earlier version, read-only."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter

from domain.lifecycle import ACTIVE
from domain.ticket import Ticket
from domain.values import TICKET_READERS, WORKERS, Priority, Role
from projections import sla_clock
from projections.queue.handlers import QueueProjection
from readside.event_log import Positioned
from wiring.uploads import FILES_PER_UPLOAD

from .desk import (
    Console,
    ConsoleDep,
    MinPosition,
    SessionDep,
    need,
    new_key,
)
from .directory import Names, colleagues, departments
from .reading import caught_up, in_thread
from .render import page
from .sessions import Session
from .ticket_forms import SETTABLE


@get("/console/tickets/{ticket_id:uuid}", include_in_schema=False)
async def ticket_page(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    ticket_id: FromPath[UUID],
    version: Annotated[int | None, QueryParameter(ge=1)] = None,
    min_position: MinPosition = None,
) -> Response[str]:
    """The ticket now (after the caller's last command has reached the queues, so the way
    back to them shows it too), or as it was at `version`."""
    need(session, TICKET_READERS)
    await caught_up(request, QueueProjection, min_position)
    shown = await in_thread(lambda: _shown(console, session, ticket_id, version))
    return page("ticket.html", session=session, min_position=min_position, **shown)


def _shown(
    console: Console, session: Session, ticket_id: UUID, version: int | None
) -> dict[str, Any]:
    services = console.services
    actor = session.actor
    ticket = services.helpdesk.ticket(ticket_id, actor, version)
    latest = ticket if version is None else services.helpdesk.ticket(ticket_id, actor)
    customer = actor.role is Role.CUSTOMER
    messages = ticket.visible_messages(actor.role)
    names = Names(services)
    names.people([ticket.assignee_id, ticket.customer_id, *(m.author_id for m in messages)])
    working = actor.role in WORKERS and version is None
    return {
        "ticket": ticket,
        "latest_version": latest.version,
        "at_version": version,
        "messages": messages,
        "names": names,
        "departments": departments(services),
        "sla": _sla(ticket, services.clock()),
        "history": [] if customer else history(console, ticket_id, actor),
        "working": working,
        "colleagues": colleagues(services, ticket.department_id) if working else [],
        "settable": SETTABLE,
        "priorities": list(Priority),
        "customer": customer and version is None,
        "active": ticket.status in ACTIVE,
        "once": new_key(),
        "most_files": FILES_PER_UPLOAD,
        "max_bytes": services.settings.attachment_max_bytes,
    }


def history(console: Console, ticket_id: UUID, actor: Any) -> list[Positioned]:
    """The ticket's events the caller may see, oldest first, with their log positions."""
    services = console.services
    visible = {e.originator_version for e in services.helpdesk.ticket_events(ticket_id, actor)}
    return [p for p in services.log.history(ticket_id) if p.event.originator_version in visible]


def _sla(ticket: Ticket, now: Any) -> dict[str, Any]:
    clock = ticket.sla
    return {
        **sla_clock.columns(clock),
        "minutes_left": sla_clock.minutes_left(clock, now),
        "next_due": sla_clock.next_due(clock),
    }
