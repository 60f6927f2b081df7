"""The Ticket aggregate: its events, its commands, and how events change its state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeAlias
from uuid import UUID

from eventsourcing.domain import Aggregate

from . import chain, sla_events, ticket_sla
from .errors import InvalidInput, InvalidTransition
from .lifecycle import CUSTOMER_CLOSABLE, Command, require_allowed, require_move
from .policy import BODY_MAX, SUBJECT_MAX, require_printable, require_text
from .recorded import ShallowCopied, who
from .sla import BOTH, SLAClock, SLATerms, Target, finished
from .ticket_events import TicketEvent
from .ticket_sla import Change
from .values import (
    AssignReason,
    Mail,
    Message,
    MessageKind,
    Origin,
    Priority,
    Review,
    Role,
    Status,
)


class Ticket(ShallowCopied, Aggregate):
    """One customer request and everything done about it."""

    number: str
    subject: str
    status: Status
    priority: Priority
    customer_id: UUID | None
    department_id: UUID | None
    help_topic_id: UUID | None
    assignee_id: UUID | None
    last_assignee_id: UUID | None
    messages: list[Message]
    resolution: str | None
    review: Review | None
    sla: SLAClock | None
    closed_at: datetime | None
    head_hash: str
    collaborator_ids: list[UUID]
    """Other addresses that answered the ticket's mail; they get its later public mail.
    Absent from snapshots older than mail: read it through `collaborators`."""

    def __init__(self) -> None:
        """State is set by `Created.apply`; the annotations above type the snapshots."""

    Event: TypeAlias = TicketEvent

    class Created(Event, Aggregate.Created):
        number: str
        subject: str
        body: str
        message_id: UUID
        priority: Priority
        customer_id: UUID | None
        department_id: UUID | None
        help_topic_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            ticket: Ticket = aggregate
            ticket.number = self.number
            ticket.subject = self.subject
            ticket.status = Status.OPEN
            ticket.priority = self.priority
            ticket.customer_id = self.customer_id
            ticket.department_id = self.department_id
            ticket.help_topic_id = self.help_topic_id
            ticket.assignee_id = None
            ticket.last_assignee_id = None
            ticket.resolution = None
            ticket.review = None
            ticket.sla = None
            ticket.closed_at = None
            ticket.collaborator_ids = []
            ticket.messages = [
                Message(
                    self.message_id,
                    MessageKind.REPLY,
                    self.actor_id,
                    self.actor_role,
                    self.body,
                    self.timestamp,
                )
            ]

    class Assigned(Event):
        agent_id: UUID | None
        reason: AssignReason

        def apply(self, aggregate: Any) -> None:
            aggregate.assignee_id = self.agent_id
            if self.agent_id is not None:
                aggregate.last_assignee_id = self.agent_id

    class Transferred(Event):
        department_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.department_id = self.department_id

    class Replied(Event):
        """A public message: the customer sees it."""

        message_id: UUID
        body: str

        def apply(self, aggregate: Any) -> None:
            aggregate.messages.append(_message(self, MessageKind.REPLY))
            if self.actor_role is not Role.CUSTOMER:
                aggregate.sla = finished(aggregate.sla, (Target.FIRST_RESPONSE,))

    class NoteAdded(Event):
        """An internal message; deliberately not a kind of `Replied`, so that
        nothing that shows replies can show a note by matching on the type."""

        message_id: UUID
        body: str

        def apply(self, aggregate: Any) -> None:
            aggregate.messages.append(_message(self, MessageKind.NOTE))

    class StatusChanged(Event):
        status: Status

        def apply(self, aggregate: Any) -> None:
            aggregate.status = self.status

    class PriorityChanged(Event):
        priority: Priority

        def apply(self, aggregate: Any) -> None:
            aggregate.priority = self.priority

    class Resolved(Event):
        resolution: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.RESOLVED
            aggregate.resolution = self.resolution
            aggregate.sla = finished(aggregate.sla, BOTH)

    class Closed(Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.CLOSED
            aggregate.closed_at = self.timestamp
            aggregate.sla = finished(aggregate.sla, BOTH)

    class Reopened(Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.OPEN
            aggregate.closed_at = None

    class MailReceived(Event):
        """A message that came by mail, pointing at its raw bytes (`sha256`), so that a
        parser fix can be replayed over past mail. `message_id` is its Message-ID when it
        can be written back into a header (else None); automated mail is recorded and
        never answered."""

        sha256: str
        message_id: str | None
        sender: str
        automated: bool

        def apply(self, aggregate: Any) -> None:
            pass

    class CollaboratorAdded(Event):
        person_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.collaborator_ids = [*collaborators(aggregate), self.person_id]

    class Linked(Event):
        """This ticket follows up an older one (mail to it after its reopen window)."""

        ticket_id: UUID

        def apply(self, aggregate: Any) -> None:
            pass

    class Reviewed(Event):
        rating: int
        comment: str

        def apply(self, aggregate: Any) -> None:
            aggregate.review = Review(self.rating, self.comment, self.timestamp)

    SLAStarted: TypeAlias = sla_events.SLAStarted
    SLAPaused: TypeAlias = sla_events.SLAPaused
    SLAResumed: TypeAlias = sla_events.SLAResumed
    SLAWarning: TypeAlias = sla_events.SLAWarning
    SLABreached: TypeAlias = sla_events.SLABreached
    SLAMet: TypeAlias = sla_events.SLAMet

    @classmethod
    def open(
        cls,
        *,
        ticket_id: UUID,
        number: str,
        subject: str,
        body: str,
        message_id: UUID,
        priority: Priority,
        customer_id: UUID | None,
        department_id: UUID | None,
        help_topic_id: UUID | None,
        origin: Origin,
        sla: SLATerms | None = None,
        mail: Mail | None = None,
        follows: UUID | None = None,
    ) -> Ticket:
        require_text("subject", subject, SUBJECT_MAX, multiline=False)
        require_text("body", body, BODY_MAX)
        ticket: Ticket = cls._create(
            cls.Created,
            id=ticket_id,
            number=number,
            subject=subject,
            body=body,
            message_id=message_id,
            priority=priority,
            customer_id=customer_id,
            department_id=department_id,
            help_topic_id=help_topic_id,
            prev_hash=chain.GENESIS,
            **who(origin),
        )
        if mail is not None:
            ticket.receive_mail(mail, origin)
        if follows is not None:
            ticket.link(follows, origin)
        if sla is not None:
            ticket._record_all(ticket_sla.start(sla, origin.at, ticket.status, BOTH, 1), origin)
        return ticket

    def receive_mail(self, mail: Mail, origin: Origin) -> None:
        """Recorded in every status: automated mail on a closed ticket changes nothing."""
        self._record(
            self.MailReceived,
            origin,
            sha256=mail.sha256,
            message_id=mail.message_id,
            sender=mail.sender,
            automated=mail.automated,
        )

    def link(self, ticket_id: UUID, origin: Origin) -> None:
        """Names the older ticket this one follows up."""
        self._record(self.Linked, origin, ticket_id=ticket_id)

    def add_collaborator(self, person_id: UUID, origin: Origin) -> None:
        """Someone other than the customer answered: nothing when already on it."""
        if person_id != self.customer_id and person_id not in collaborators(self):
            self._record(self.CollaboratorAdded, origin, person_id=person_id)

    def reopen_window_passed(self, at: datetime, reopen_days: int | None) -> bool:
        """Whether a customer's reopen at `at` would come too late (see `reopen`)."""
        if self.closed_at is None or reopen_days is None:
            return False
        return at > self.closed_at + timedelta(days=reopen_days)

    def assign(
        self, agent_id: UUID | None, origin: Origin, reason: AssignReason = AssignReason.MANUAL
    ) -> None:
        require_allowed(Command.ASSIGN, self.status)
        if agent_id == self.assignee_id:
            raise InvalidTransition("the ticket already has that assignee")
        self._record(self.Assigned, origin, agent_id=agent_id, reason=reason)

    def transfer(self, department_id: UUID, origin: Origin, sla: SLATerms | None = None) -> None:
        """Moves the ticket; the new department's plan, if another, starts now."""
        require_allowed(Command.TRANSFER, self.status)
        if department_id == self.department_id:
            raise InvalidTransition("the ticket is already in that department")
        self._record(self.Transferred, origin, department_id=department_id)
        self._record_all(ticket_sla.switch_plan(self.sla, sla, origin.at, self.status), origin)

    def reply(self, message_id: UUID, body: str, origin: Origin) -> None:
        """A customer's reply also wakes the ticket: awaiting → in progress, resolved → open."""
        require_allowed(Command.REPLY, self.status)
        require_text("body", body, BODY_MAX)
        replied: Change = (self.Replied, {"message_id": message_id, "body": body})
        if not origin.actor.is_customer:
            first = (Target.FIRST_RESPONSE,)
            self._record_all(ticket_sla.satisfying(self.sla, first, origin.at, replied), origin)
            return
        self._record_all([replied], origin)
        if self.status is Status.AWAITING_CUSTOMER:
            self._move(Status.IN_PROGRESS, origin)
        elif self.status is Status.RESOLVED:
            self._reopen("customer replied", origin)

    def add_note(self, message_id: UUID, body: str, origin: Origin) -> None:
        require_allowed(Command.NOTE, self.status)
        require_text("body", body, BODY_MAX)
        self._record(self.NoteAdded, origin, message_id=message_id, body=body)

    def change_status(self, status: Status, origin: Origin) -> None:
        require_allowed(Command.CHANGE_STATUS, self.status)
        require_move(self.status, status)
        self._move(status, origin)

    def change_priority(self, priority: Priority, origin: Origin) -> None:
        require_allowed(Command.CHANGE_PRIORITY, self.status)
        if priority is self.priority:
            raise InvalidTransition(f"the priority is already {priority.value}")
        self._record(self.PriorityChanged, origin, priority=priority)

    def resolve(self, resolution: str, origin: Origin) -> None:
        require_allowed(Command.RESOLVE, self.status)
        require_text("resolution", resolution, BODY_MAX)
        self._settle((self.Resolved, {"resolution": resolution}), origin)

    def close(self, origin: Origin) -> None:
        """Closing an unresolved ticket settles its open SLA targets as resolving would."""
        require_allowed(Command.CLOSE, self.status)
        customer = origin.actor.is_customer
        if customer and self.status not in CUSTOMER_CLOSABLE:
            raise InvalidTransition("a customer closes a ticket only to confirm its resolution")
        self._settle((self.Closed, {"reason": _close_reason(origin)}), origin)

    def reopen(self, reason: str, origin: Origin, reopen_days: int | None = None) -> None:
        """A customer may reopen a closed ticket only within the department's window."""
        require_allowed(Command.REOPEN, self.status)
        require_text("reason", reason, BODY_MAX)
        if origin.actor.is_customer and self.reopen_window_passed(origin.at, reopen_days):
            raise InvalidTransition(
                f"the ticket was closed more than {reopen_days} days ago: open a new one"
            )
        self._reopen(reason, origin)

    def check_sla(self, origin: Origin) -> None:
        """Records the warnings and breaches that have fallen due at `origin.at`, once."""
        require_allowed(Command.CHECK_SLA, self.status)
        self._record_all(ticket_sla.check(self.sla, origin.at), origin)

    def add_review(self, rating: int, comment: str, origin: Origin) -> None:
        require_allowed(Command.REVIEW, self.status)
        if self.review is not None:
            raise InvalidTransition("the ticket has been reviewed already")
        if not 1 <= rating <= 5:
            raise InvalidInput("rating", "rating must be from 1 to 5")
        if len(comment) > BODY_MAX:
            raise InvalidInput("comment", f"comment must be at most {BODY_MAX} characters")
        require_printable("comment", comment)
        self._record(self.Reviewed, origin, rating=rating, comment=comment)

    def visible_messages(self, role: Role) -> list[Message]:
        """Customers never see internal notes."""
        if role is Role.CUSTOMER:
            return [m for m in self.messages if m.kind is MessageKind.REPLY]
        return list(self.messages)

    def _record(self, event_class: type[Event], origin: Origin, **fields: Any) -> None:
        """Triggers an event with the command's origin, chained to its predecessor. Only
        the Ticket's own commands record, so nothing can append past the lifecycle rules."""
        self.trigger_event(event_class, prev_hash=self.head_hash, **who(origin), **fields)

    def _record_all(self, changes: list[Change], origin: Origin) -> None:
        for event_class, fields in changes:
            self._record(event_class, origin, **fields)

    def _settle(self, act: Change, origin: Origin) -> None:
        """Resolving or closing: a paused clock resumes first, so that the verdicts count
        the time before the pause only."""
        self._record_all(ticket_sla.resume(self.sla, origin.at), origin)
        self._record_all(ticket_sla.satisfying(self.sla, BOTH, origin.at, act), origin)

    def _move(self, status: Status, origin: Origin) -> None:
        before = self.status
        self._record(self.StatusChanged, origin, status=status)
        self._record_all(ticket_sla.status_moved(self.sla, before, status, origin.at), origin)

    def _reopen(self, reason: str, origin: Origin) -> None:
        self._record(self.Reopened, origin, reason=reason)
        self._record_all(ticket_sla.restart_resolution(self.sla, origin.at, self.status), origin)


def collaborators(ticket: Ticket) -> list[UUID]:
    return list(getattr(ticket, "collaborator_ids", []))


def _message(event: Ticket.Replied | Ticket.NoteAdded, kind: MessageKind) -> Message:
    return Message(
        event.message_id, kind, event.actor_id, event.actor_role, event.body, event.timestamp
    )


def _close_reason(origin: Origin) -> str:
    if origin.actor.is_customer:
        return "confirmed"
    return "auto" if origin.actor.role is Role.SYSTEM else "closed"
