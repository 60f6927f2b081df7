"""Auditors' pages: finding a ticket, its history as a timeline (actor, role, time,
correlation) with a link to the ticket as it was after each event, and its hash chain
verified, said plainly."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter

from domain.values import TICKET_READERS, WORKERS, Role
from projections.plain import plain
from projections.queue.queries import TicketSearch, search

from .desk import (
    ConsoleDep,
    Cursor,
    SessionDep,
    need,
)
from .directory import Names, my_departments
from .reading import in_thread
from .render import page
from .ticket_pages import history

SEARCHERS = WORKERS | {Role.AUDITOR}


@get("/console/search", include_in_schema=False)
async def find_tickets(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    cursor: Cursor = None,
) -> Response[str]:
    """Every ticket, newest first, by a word of its subject or its number (agents: their
    departments' and their own)."""
    need(session, SEARCHERS)
    services = console.services
    actor = session.actor
    within = None
    if actor.role is Role.AGENT:
        within = tuple(await in_thread(lambda: my_departments(services, actor)))
    query = TicketSearch(
        text=(q or "").strip() or None,
        within_departments=within,
        agent_id=str(actor.id),
        cursor=cursor,
    )
    found, next_cursor = await in_thread(lambda: search(services.views, query, services.clock()))
    return page("search.html", session=session, items=found, next_cursor=next_cursor, q=q or "")


@get("/console/tickets/{ticket_id:uuid}/history", include_in_schema=False)
async def timeline(
    console: ConsoleDep, session: SessionDep, ticket_id: FromPath[UUID]
) -> Response[str]:
    """The ticket's events, oldest first; auditors also see its chain verified."""
    need(session, TICKET_READERS - {Role.CUSTOMER})
    shown = await in_thread(lambda: _timeline(console, session, ticket_id))
    return page("timeline.html", session=session, **shown)


def _timeline(console: ConsoleDep, session: SessionDep, ticket_id: UUID) -> dict[str, Any]:
    services = console.services
    ticket = services.helpdesk.ticket(ticket_id, session.actor)
    events = history(console, ticket_id, session.actor)
    names = Names(services)
    names.people(p.event.actor_id for p in events)
    auditor = session.actor.role is Role.AUDITOR
    return {
        "ticket": ticket,
        "events": [
            {"positioned": p, "name": type(p.event).__name__, "data": _shown(p.event.data())}
            for p in events
        ],
        "names": names,
        "verification": services.verify(ticket_id) if auditor else None,
    }


def _shown(data: dict[str, Any]) -> dict[str, str]:
    """An event's fields as text: strings as they are, anything else as JSON."""
    return {
        k: v if isinstance(v, str) else msgspec.json.encode(v, enc_hook=str).decode()
        for k, v in plain(data).items()
    }
