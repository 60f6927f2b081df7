"""Tickets: opening one, search, a ticket now, at a version or at a moment, its history, and
the verification of its chain (the commands are in `ticket_commands.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.errors import InvalidInput, NotFound
from domain.values import TICKET_READERS, WORKERS, Role, Status
from projections.queue.handlers import QueueProjection
from projections.queue.queries import TicketSearch, search

from .auth import allow
from .deps import IntentDep, ServicesDep
from .openapi import CREATE, WAITS, problems
from .params import LIMIT_DEFAULT, Cursor, Limit, MinPosition
from .read_schemas import QueueItem, QueueList, typed
from .reads import caught_up, department_scope, in_thread
from .ticket_commands import CUSTOMER_OR_WORKER, Caller, answered
from .ticket_schemas import History, OpenTicket, TicketView, Verification
from .ticket_views import history_item, ticket_view
from .times import zoned
from .vocabulary import StatusFilter, statuses

SEARCHERS = WORKERS | {Role.AUDITOR}
LISTERS = SEARCHERS | {Role.CUSTOMER}
SearchText = Annotated[str | None, QueryParameter(min_length=1, max_length=200)]


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _require_own_filters(
    customer: UUID, department_id: UUID | None, assignee_id: UUID | None, customer_id: UUID | None
) -> None:
    """A customer's list is of their own tickets: the staff filters are not theirs."""
    for field, value in (("department_id", department_id), ("assignee_id", assignee_id)):
        if value is not None:
            raise InvalidInput(field, f"customers list their own tickets, not by {field}")
    if customer_id is not None and customer_id != customer:
        raise InvalidInput("customer_id", "customers list their own tickets only")


class TicketController(Controller):
    path = "/v1/tickets"
    tags = ["tickets"]

    @post(
        "/",
        operation_id="openTicket",
        guards=[allow(*CUSTOMER_OR_WORKER)],
        sync_to_thread=True,
        responses=problems(*CREATE),
    )
    def open_ticket(
        self, request: Caller, services: ServicesDep, intent: IntentDep, data: JSONBody[OpenTicket]
    ) -> Response[TicketView]:
        """Opens a ticket; a customer opens it for themselves, staff may name the customer."""
        outcome = services.helpdesk.open_ticket(
            subject=data.subject,
            body=data.body,
            priority=data.priority,
            customer_id=data.customer_id,
            department_id=data.department_id,
            help_topic_id=data.help_topic_id,
            intent=intent,
        )
        return answered(services, request, outcome)

    @get(
        "/",
        operation_id="searchTickets",
        guards=[allow(*LISTERS)],
        responses=problems(*WAITS),
    )
    async def search(
        self,
        request: Caller,
        services: ServicesDep,
        status: StatusFilter = None,
        department_id: FromQuery[UUID | None] = None,
        assignee_id: FromQuery[UUID | None] = None,
        customer_id: FromQuery[UUID | None] = None,
        q: SearchText = None,
        limit: Limit = LIMIT_DEFAULT,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> QueueList:
        """Staff search over every ticket, newest first: by status (comma-separated),
        department, assignee, customer, and text: the exact number, or tickets whose subject
        and messages hold every term of `q` inside a word (case-insensitive). Agents find
        only their departments' tickets and their own; a customer lists their own tickets
        (by status and text)."""
        actor = request.user
        if actor.is_customer:
            _require_own_filters(actor.id, department_id, assignee_id, customer_id)
            customer_id = actor.id
        within = await in_thread(lambda: department_scope(services, actor, None))
        query = TicketSearch(
            statuses=statuses(status, Status),
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
        return QueueList(items=typed(items, QueueItem), next_cursor=next_cursor)

    @get(
        "/{ticket_id:uuid}",
        operation_id="getTicket",
        guards=[allow(*TICKET_READERS)],
        sync_to_thread=True,
        responses=problems(404),
    )
    def get_ticket(
        self,
        request: Caller,
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
            ticket = helpdesk.ticket_as_of(ticket_id, actor, zoned("as_of", as_of))
        else:
            ticket = helpdesk.ticket(ticket_id, actor, version)
        return Response(ticket_view(ticket, actor.role), headers={"ETag": f'"{ticket.version}"'})

    @get(
        "/{ticket_id:uuid}/history",
        operation_id="getTicketHistory",
        guards=[allow(*TICKET_READERS)],
        sync_to_thread=True,
        responses=problems(404),
    )
    def history(self, request: Caller, services: ServicesDep, ticket_id: FromPath[UUID]) -> History:
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
        responses=problems(404),
    )
    def verify(
        self, request: Caller, services: ServicesDep, ticket_id: FromPath[UUID]
    ) -> Verification:
        """Recomputes the ticket's hash chain from the stored events (without rebuilding the
        ticket, which tampering may have made impossible)."""
        report = services.verify(ticket_id)
        if report.ok and report.events == 0:
            raise NotFound(f"no ticket {ticket_id}")
        return Verification(
            ok=report.ok,
            events=report.events,
            head=report.head,
            first_bad_version=report.first_bad_version,
            detail=report.detail,
        )
