"""The ticket routes: open, read (now, at a version, at a moment), history, verify, commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.application import Intent, Outcome
from domain.errors import InvalidInput, NotFound
from domain.ticket import Ticket
from domain.values import Actor, Role, Status
from projections.audit.queries import digest_at
from projections.queue.handlers import QueueProjection
from projections.queue.queries import STATUSES, TicketSearch, search
from ticketing.audit import verify_ticket
from ticketing.services import Services

from .auth import STAFF, TICKET_READERS, allow
from .commands import answer_headers, intent_for
from .deps import ServicesDep
from .reads import MinPosition, Page, caught_up, department_scope, in_thread
from .ticket_schemas import (
    AssignTicket,
    ChangePriority,
    ChangeStatus,
    CloseTicket,
    History,
    OpenTicket,
    PostMessage,
    ReopenTicket,
    ResolveTicket,
    ReviewTicket,
    TicketView,
    TransferTicket,
    Verification,
)
from .ticket_views import history_item, ticket_view

CUSTOMER_OR_STAFF = (Role.CUSTOMER, *STAFF)
SEARCHERS = (*STAFF, Role.AUDITOR)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _answer(services: Services, actor: Actor, outcome: Outcome) -> Response[TicketView]:
    ticket = outcome.aggregate
    if not isinstance(ticket, Ticket):
        ticket = services.helpdesk.ticket(outcome.aggregate_id, actor, outcome.version)
    return Response(
        ticket_view(ticket, actor.role),
        status_code=outcome.status_code,
        headers=answer_headers(services, outcome),
    )


def _run(
    request: Request[Actor, Any, Any],
    services: Services,
    data: Any,
    command: Callable[[Intent], Outcome],
) -> Response[TicketView]:
    outcome = command(intent_for(request, services, data))
    return _answer(services, request.user, outcome)


class TicketController(Controller):
    path = "/v1/tickets"
    tags = ["tickets"]

    @post("/", operation_id="openTicket", guards=[allow(*CUSTOMER_OR_STAFF)], sync_to_thread=True)
    def open_ticket(
        self, request: Request[Actor, Any, Any], services: ServicesDep, data: JSONBody[OpenTicket]
    ) -> Response[TicketView]:
        """Opens a ticket; a customer opens it for themselves, staff may name the customer."""
        return _run(
            request,
            services,
            data,
            lambda intent: services.helpdesk.open_ticket(
                subject=data.subject,
                body=data.body,
                priority=data.priority,
                customer_id=data.customer_id,
                department_id=data.department_id,
                help_topic_id=data.help_topic_id,
                intent=intent,
            ),
        )

    @get("/", operation_id="searchTickets", guards=[allow(*SEARCHERS)])
    async def search(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        status: FromQuery[str | None] = None,
        department_id: FromQuery[UUID | None] = None,
        assignee_id: FromQuery[UUID | None] = None,
        customer_id: FromQuery[UUID | None] = None,
        q: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
        min_position: MinPosition = None,
    ) -> Page:
        """Staff search over every ticket, newest first: by status (comma-separated),
        department, assignee, customer, and text in the subject (or the exact number).
        Agents find only their departments' tickets and their own."""
        actor = request.user
        within = await in_thread(lambda: department_scope(services, actor, None))
        query = TicketSearch(
            statuses=STATUSES if status is None else tuple(s.strip() for s in status.split(",")),
            department_id=_text(department_id),
            assignee_id=_text(assignee_id),
            customer_id=_text(customer_id),
            text=q,
            within_departments=within,
            agent_id=str(actor.id),
            limit=limit,
            cursor=cursor,
        )
        await caught_up(request, QueueProjection, min_position)
        items, next_cursor = await in_thread(
            lambda: search(services.views, query, services.clock())
        )
        return Page(items=items, next_cursor=next_cursor)

    @get(
        "/{ticket_id:uuid}",
        operation_id="getTicket",
        guards=[allow(*TICKET_READERS)],
        sync_to_thread=True,
    )
    def get_ticket(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        version: Annotated[int | None, QueryParameter(ge=1)] = None,
        as_of: FromQuery[datetime | None] = None,
    ) -> Response[TicketView]:
        """The ticket now, or exactly as it was at `version` or at the moment `as_of`."""
        actor = request.user
        helpdesk = services.helpdesk
        if version is not None and as_of is not None:
            raise InvalidInput("as_of", "give version or as_of, not both")
        if as_of is not None:
            if as_of.tzinfo is None:
                raise InvalidInput("as_of", "as_of needs a time zone, like 2026-01-02T03:04:05Z")
            ticket = helpdesk.ticket_as_of(ticket_id, actor, as_of)
        else:
            ticket = helpdesk.ticket(ticket_id, actor, version)
        return Response(ticket_view(ticket, actor.role), headers={"ETag": f'"{ticket.version}"'})

    @get(
        "/{ticket_id:uuid}/history",
        operation_id="getTicketHistory",
        guards=[allow(*TICKET_READERS)],
        sync_to_thread=True,
    )
    def history(
        self, request: Request[Actor, Any, Any], services: ServicesDep, ticket_id: FromPath[UUID]
    ) -> History:
        """Every event of the ticket from the store, oldest first, with its global position."""
        actor = request.user
        visible = {e.originator_version for e in services.helpdesk.ticket_events(ticket_id, actor)}
        items = [
            history_item(p)
            for p in services.log.history(ticket_id)
            if p.event.originator_version in visible
        ]
        return History(items=items)

    @get(
        "/{ticket_id:uuid}/verify",
        operation_id="verifyTicket",
        guards=[allow(Role.AUDITOR)],
        sync_to_thread=True,
    )
    def verify(
        self, request: Request[Actor, Any, Any], services: ServicesDep, ticket_id: FromPath[UUID]
    ) -> Verification:
        """Recomputes the ticket's hash chain from the stored events (without rebuilding the
        ticket, which tampering may have made impossible)."""
        report = verify_ticket(
            services.log, ticket_id, lambda position: digest_at(services.views, position)
        )
        if report.ok and report.events == 0:
            raise NotFound(f"no ticket {ticket_id}")
        return Verification(
            ok=report.ok,
            events=report.events,
            head=report.head,
            first_bad_version=report.first_bad_version,
            detail=report.detail,
        )

    @post(
        "/{ticket_id:uuid}/assign",
        operation_id="assignTicket",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def assign(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[AssignTicket],
    ) -> Response[TicketView]:
        """Assigns the ticket to an agent, or unassigns it with a null agent_id."""
        return _run(
            request, services, data, lambda i: services.helpdesk.assign(ticket_id, data.agent_id, i)
        )

    @post(
        "/{ticket_id:uuid}/transfer",
        operation_id="transferTicket",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def transfer(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[TransferTicket],
    ) -> Response[TicketView]:
        """Moves the ticket to another department."""
        return _run(
            request,
            services,
            data,
            lambda i: services.helpdesk.transfer(ticket_id, data.department_id, i),
        )

    @post(
        "/{ticket_id:uuid}/replies",
        operation_id="replyToTicket",
        guards=[allow(*CUSTOMER_OR_STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def reply(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[PostMessage],
    ) -> Response[TicketView]:
        """A public reply; the customer's own reply wakes an awaiting or resolved ticket."""
        return _run(
            request, services, data, lambda i: services.helpdesk.reply(ticket_id, data.body, i)
        )

    @post(
        "/{ticket_id:uuid}/notes",
        operation_id="addNote",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def note(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[PostMessage],
    ) -> Response[TicketView]:
        """An internal note, never shown to the customer."""
        return _run(
            request, services, data, lambda i: services.helpdesk.add_note(ticket_id, data.body, i)
        )

    @post(
        "/{ticket_id:uuid}/status",
        operation_id="changeStatus",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def status(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ChangeStatus],
    ) -> Response[TicketView]:
        """Moves the ticket between open, in progress and awaiting customer."""
        return _run(
            request,
            services,
            data,
            lambda i: services.helpdesk.change_status(ticket_id, Status(data.status), i),
        )

    @post(
        "/{ticket_id:uuid}/priority",
        operation_id="changePriority",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def priority(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ChangePriority],
    ) -> Response[TicketView]:
        """Changes the ticket's priority."""
        return _run(
            request,
            services,
            data,
            lambda i: services.helpdesk.change_priority(ticket_id, data.priority, i),
        )

    @post(
        "/{ticket_id:uuid}/resolve",
        operation_id="resolveTicket",
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def resolve(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ResolveTicket],
    ) -> Response[TicketView]:
        """Resolves the ticket with a resolution the customer can read."""
        return _run(
            request,
            services,
            data,
            lambda i: services.helpdesk.resolve(ticket_id, data.resolution, i),
        )

    @post(
        "/{ticket_id:uuid}/close",
        operation_id="closeTicket",
        guards=[allow(*CUSTOMER_OR_STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def close(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[CloseTicket],
    ) -> Response[TicketView]:
        """Closes the ticket; a customer closes only to confirm a resolution."""
        return _run(request, services, data, lambda i: services.helpdesk.close_ticket(ticket_id, i))

    @post(
        "/{ticket_id:uuid}/reopen",
        operation_id="reopenTicket",
        guards=[allow(*CUSTOMER_OR_STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def reopen(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ReopenTicket],
    ) -> Response[TicketView]:
        """Returns a resolved or closed ticket to open."""
        return _run(
            request, services, data, lambda i: services.helpdesk.reopen(ticket_id, data.reason, i)
        )

    @post(
        "/{ticket_id:uuid}/review",
        operation_id="reviewTicket",
        guards=[allow(Role.CUSTOMER)],
        status_code=200,
        sync_to_thread=True,
    )
    def review(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ReviewTicket],
    ) -> Response[TicketView]:
        """The customer's rating (1-5) and comment, once the ticket is resolved or closed."""
        return _run(
            request,
            services,
            data,
            lambda i: services.helpdesk.review(ticket_id, data.rating, data.comment, i),
        )
