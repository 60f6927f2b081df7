"""The commands on one ticket: each handler names the command and its arguments; the intent,
the answer (the ticket as the caller may see it) and its headers are shared."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.params import FromPath, JSONBody

from domain.pipeline import Outcome
from domain.ticket import Ticket
from domain.values import WORKERS, Actor, Role, Status
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .intent import answer_headers, status_of
from .openapi import CHANGE, problems
from .ticket_schemas import (
    AssignTicket,
    ChangePriority,
    ChangeStatus,
    CloseTicket,
    PostMessage,
    ReopenTicket,
    ResolveTicket,
    ReviewTicket,
    TicketView,
    TransferTicket,
)
from .ticket_views import ticket_view

CUSTOMER_OR_WORKER = frozenset({Role.CUSTOMER}) | WORKERS
Caller = Request[Actor, Any, Any]


def command(path: str, operation_id: str, roles: Collection[Role]) -> post:
    """A command on one ticket: POST, answered 200 with the ticket."""
    return post(
        path,
        operation_id=operation_id,
        guards=[allow(*roles)],
        status_code=200,
        sync_to_thread=True,
        responses=problems(*CHANGE),
    )


def answered(services: Services, caller: Caller, outcome: Outcome) -> Response[TicketView]:
    """The ticket as the command left it, as the caller may see it."""
    ticket = outcome.aggregate
    if not isinstance(ticket, Ticket):
        ticket = services.helpdesk.ticket(outcome.aggregate_id, caller.user, outcome.version)
    return Response(
        ticket_view(ticket, caller.user.role),
        status_code=status_of(outcome),
        headers=answer_headers(services, outcome),
    )


class TicketCommands(Controller):
    path = "/v1/tickets/{ticket_id:uuid}"
    tags = ["tickets"]

    @command("/assign", "assignTicket", WORKERS)
    def assign(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[AssignTicket],
    ) -> Response[TicketView]:
        """Assigns the ticket to an agent of its department (or a supervisor), or unassigns
        it with a null agent_id."""
        outcome = services.helpdesk.assign(ticket_id, data.agent_id, intent)
        return answered(services, request, outcome)

    @command("/transfer", "transferTicket", WORKERS)
    def transfer(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[TransferTicket],
    ) -> Response[TicketView]:
        """Moves the ticket to another department."""
        outcome = services.helpdesk.transfer(ticket_id, data.department_id, intent)
        return answered(services, request, outcome)

    @command("/replies", "replyToTicket", CUSTOMER_OR_WORKER)
    def reply(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[PostMessage],
    ) -> Response[TicketView]:
        """A public reply, with the caller's uploads named in `attachment_ids`; the customer's
        own reply wakes an awaiting or resolved ticket."""
        outcome = services.helpdesk.reply(ticket_id, data.body, intent, data.attachment_ids)
        return answered(services, request, outcome)

    @command("/notes", "addNote", WORKERS)
    def note(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[PostMessage],
    ) -> Response[TicketView]:
        """An internal note, never shown to the customer, nor its attachments."""
        outcome = services.helpdesk.add_note(ticket_id, data.body, intent, data.attachment_ids)
        return answered(services, request, outcome)

    @command("/status", "changeStatus", WORKERS)
    def status(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ChangeStatus],
    ) -> Response[TicketView]:
        """Moves the ticket between open, in progress and awaiting customer."""
        outcome = services.helpdesk.change_status(ticket_id, Status(data.status), intent)
        return answered(services, request, outcome)

    @command("/priority", "changePriority", WORKERS)
    def priority(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ChangePriority],
    ) -> Response[TicketView]:
        """Changes the ticket's priority."""
        outcome = services.helpdesk.change_priority(ticket_id, data.priority, intent)
        return answered(services, request, outcome)

    @command("/resolve", "resolveTicket", WORKERS)
    def resolve(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ResolveTicket],
    ) -> Response[TicketView]:
        """Resolves the ticket with a resolution the customer can read."""
        outcome = services.helpdesk.resolve(ticket_id, data.resolution, intent)
        return answered(services, request, outcome)

    @command("/close", "closeTicket", CUSTOMER_OR_WORKER)
    def close(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[CloseTicket],
    ) -> Response[TicketView]:
        """Closes the ticket; a customer closes only to confirm a resolution."""
        return answered(services, request, services.helpdesk.close_ticket(ticket_id, intent))

    @command("/reopen", "reopenTicket", CUSTOMER_OR_WORKER)
    def reopen(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ReopenTicket],
    ) -> Response[TicketView]:
        """Returns a resolved or closed ticket to open."""
        outcome = services.helpdesk.reopen(ticket_id, data.reason, intent)
        return answered(services, request, outcome)

    @command("/review", "reviewTicket", (Role.CUSTOMER,))
    def review(
        self,
        request: Caller,
        services: ServicesDep,
        intent: IntentDep,
        ticket_id: FromPath[UUID],
        data: JSONBody[ReviewTicket],
    ) -> Response[TicketView]:
        """The customer's rating (1-5) and comment, once the ticket is resolved or closed."""
        outcome = services.helpdesk.review(ticket_id, data.rating, data.comment, intent)
        return answered(services, request, outcome)
