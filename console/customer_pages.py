"""Customers' pages: their tickets, and the form that opens one under a help topic, with
files if they like (as the API takes them: the ticket opened, the files uploaded to it, then
sent with a reply of the customer's, each step under the form's one-time key)."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect

from domain.errors import InvalidInput
from domain.pipeline import Idempotency, Intent, Outcome
from domain.values import Role, Status
from projections.directory.handlers import Kind
from projections.queue.handlers import QueueProjection
from projections.queue.queries import TicketSearch, search
from wiring.uploads import FILES_PER_UPLOAD, Received, fingerprint

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
from .ticket_forms import uploaded

PAGE = 50
FILES_OF_THE_FIRST_MESSAGE = "(the files sent with the first message)"
"""The body of the reply that carries a new ticket's files: the API opens a ticket without
files and takes them on a message of its own, as mail does."""


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
    """The form, saying its limits: files per message and bytes per file."""
    need(session, {Role.CUSTOMER})
    topics = await in_thread(lambda: items(console.services, Kind.HELP_TOPIC))
    return page(
        "new_ticket.html",
        session=session,
        topics=topics,
        once=new_key(),
        most_files=FILES_PER_UPLOAD,
        max_bytes=console.services.settings.attachment_max_bytes,
    )


@post("/console/tickets", include_in_schema=False, request_max_body_size=None)
async def open_ticket(
    request: Request[Any, Any, Any], console: ConsoleDep, session: SessionDep, form: FormDep
) -> Redirect:
    """Opens the ticket, then shows it (its page reads the store: it is there at once).
    Its body is limited by the form's reader (per file, files, text), not whole."""
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
    files: list[Received] = request.state.files
    if files:
        outcome = await in_thread(
            lambda: _send_files(console, session, outcome.aggregate_id, files, command_intent)
        )
    position = written(console, outcome)
    response = Redirect(
        f"/console/tickets/{outcome.aggregate_id}?min_position={position}", status_code=303
    )
    remember(response, request, position)
    return response


def _send_files(
    console: ConsoleDep,
    session: SessionDep,
    ticket_id: UUID,
    files: list[Received],
    opening: Intent,
) -> Outcome:
    """The files uploaded to the new ticket and sent with the customer's reply; a resent
    form replays both, as it replays the opening."""
    key = opening.idempotency
    digest = hashlib.sha256(fingerprint(files)).hexdigest()
    reply_intent = Intent(opening.origin, None, key and Idempotency(f"{key.key}:reply", digest))
    attachment_ids = uploaded(console, session, ticket_id, files, opening)
    return console.services.helpdesk.reply(
        ticket_id, FILES_OF_THE_FIRST_MESSAGE, reply_intent, attachment_ids
    )
