"""Customers' pages: their tickets, and the form that opens one under a help topic."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect

from domain.errors import InvalidInput
from domain.values import Role, Status
from projections.directory.handlers import Kind
from projections.queue.handlers import QueueProjection
from projections.queue.queries import TicketSearch, search

from .desk import (
    Choice,
    ConsoleDep,
    Cursor,
    FormDep,
    MinPosition,
    SessionDep,
    field,
    intent,
    need,
    new_key,
    option,
    written,
)
from .directory import items
from .reading import caught_up, in_thread, remember
from .render import page

PAGE = 50


@get("/console/tickets", include_in_schema=False)
async def my_tickets(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    status: Choice = None,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> Response[str]:
    """The customer's own tickets, newest first (the search the API's customers get)."""
    need(session, {Role.CUSTOMER})
    chosen = option(Status, "status", status)
    query = TicketSearch(
        statuses=(chosen,) if chosen else tuple(Status),
        customer_id=str(session.actor.id),
        limit=PAGE,
        cursor=cursor,
    )
    await caught_up(request, QueueProjection, min_position)
    services = console.services
    found, next_cursor = await in_thread(lambda: search(services.views, query, services.clock()))
    return page(
        "my_tickets.html",
        session=session,
        items=found,
        next_cursor=next_cursor,
        status=chosen.value if chosen else "",
        statuses=list(Status),
    )


@get("/console/tickets/new", include_in_schema=False)
async def new_ticket(console: ConsoleDep, session: SessionDep) -> Response[str]:
    need(session, {Role.CUSTOMER})
    topics = await in_thread(lambda: items(console.services, Kind.HELP_TOPIC))
    return page("new_ticket.html", session=session, topics=topics, once=new_key())


@post("/console/tickets", include_in_schema=False)
async def open_ticket(
    request: Request[Any, Any, Any], console: ConsoleDep, session: SessionDep, form: FormDep
) -> Redirect:
    """Opens the ticket, then shows it (its page reads the store: it is there at once)."""
    need(session, {Role.CUSTOMER})
    topic = form.get("help_topic_id", "")
    try:
        help_topic_id = UUID(topic) if topic else None
    except ValueError:
        raise InvalidInput("help_topic_id", "help_topic_id must be one of the topics") from None
    subject, body = field(form, "subject"), field(form, "body")
    command_intent = intent(console, session, request.url.path, form)
    outcome = await in_thread(
        lambda: console.services.helpdesk.open_ticket(
            subject=subject,
            body=body,
            priority=None,
            customer_id=None,
            department_id=None,
            help_topic_id=help_topic_id,
            intent=command_intent,
        )
    )
    position = written(console, outcome)
    response = Redirect(
        f"/console/tickets/{outcome.aggregate_id}?min_position={position}", status_code=303
    )
    remember(response, request, position)
    return response
