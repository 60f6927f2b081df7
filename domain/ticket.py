"""The Ticket aggregate: its events, its commands, and how events change its state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from . import chain
from .errors import InvalidInput, InvalidTransition
from .lifecycle import CUSTOMER_CLOSABLE, Command, require_allowed, require_move
from .policy import BODY_MAX, SUBJECT_MAX, require_text
from .recorded import Recorded, ShallowCopied, who
from .values import (
    AssignReason,
    Message,
    MessageKind,
    Origin,
    Priority,
    Review,
    Role,
    Status,
)

_COMMON_FIELDS = frozenset(
    {
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
        "actor_id",
        "actor_role",
        "correlation_id",
        "causation_id",
    }
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
    messages: list[Message]
    resolution: str | None
    review: Review | None
    head_hash: str

    def __init__(self) -> None:
        """State is set by `Created.apply`; the annotations above type the snapshots."""

    class Event(Recorded):
        """Every ticket event links to its predecessor through `prev_hash`."""

        prev_hash: str

        def data(self) -> dict[str, Any]:
            """What this kind of event says, without what every event says."""
            return {k: v for k, v in vars(self).items() if k not in _COMMON_FIELDS}

        def digest(self) -> str:
            fields = dict(vars(self))
            return chain.digest(type(self).__name__, fields)

        def mutate(self, aggregate: Any) -> Any:
            ticket = super().mutate(aggregate)
            assert ticket is not None
            ticket.head_hash = self.digest()
            return ticket

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
            ticket.resolution = None
            ticket.review = None
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

    class Closed(Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.CLOSED

    class Reopened(Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.OPEN

    class Reviewed(Event):
        rating: int
        comment: str

        def apply(self, aggregate: Any) -> None:
            aggregate.review = Review(self.rating, self.comment, self.timestamp)

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
    ) -> Ticket:
        require_text("subject", subject, SUBJECT_MAX)
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
        return ticket

    def assign(
        self, agent_id: UUID | None, origin: Origin, reason: AssignReason = AssignReason.MANUAL
    ) -> None:
        require_allowed(Command.ASSIGN, self.status)
        if agent_id == self.assignee_id:
            raise InvalidTransition("the ticket already has that assignee")
        self._record(self.Assigned, origin, agent_id=agent_id, reason=reason)

    def transfer(self, department_id: UUID, origin: Origin) -> None:
        require_allowed(Command.TRANSFER, self.status)
        if department_id == self.department_id:
            raise InvalidTransition("the ticket is already in that department")
        self._record(self.Transferred, origin, department_id=department_id)

    def reply(self, message_id: UUID, body: str, origin: Origin) -> None:
        """A customer's reply also wakes the ticket: awaiting → in progress, resolved → open."""
        require_allowed(Command.REPLY, self.status)
        require_text("body", body, BODY_MAX)
        self._record(self.Replied, origin, message_id=message_id, body=body)
        if origin.actor.is_customer and self.status is Status.AWAITING_CUSTOMER:
            self._record(self.StatusChanged, origin, status=Status.IN_PROGRESS)
        elif origin.actor.is_customer and self.status is Status.RESOLVED:
            self._record(self.Reopened, origin, reason="customer replied")

    def add_note(self, message_id: UUID, body: str, origin: Origin) -> None:
        require_allowed(Command.NOTE, self.status)
        require_text("body", body, BODY_MAX)
        self._record(self.NoteAdded, origin, message_id=message_id, body=body)

    def change_status(self, status: Status, origin: Origin) -> None:
        require_allowed(Command.CHANGE_STATUS, self.status)
        require_move(self.status, status)
        self._record(self.StatusChanged, origin, status=status)

    def change_priority(self, priority: Priority, origin: Origin) -> None:
        require_allowed(Command.CHANGE_PRIORITY, self.status)
        if priority is self.priority:
            raise InvalidTransition(f"the priority is already {priority.value}")
        self._record(self.PriorityChanged, origin, priority=priority)

    def resolve(self, resolution: str, origin: Origin) -> None:
        require_allowed(Command.RESOLVE, self.status)
        require_text("resolution", resolution, BODY_MAX)
        self._record(self.Resolved, origin, resolution=resolution)

    def close(self, origin: Origin) -> None:
        require_allowed(Command.CLOSE, self.status)
        customer = origin.actor.is_customer
        if customer and self.status not in CUSTOMER_CLOSABLE:
            raise InvalidTransition("a customer closes a ticket only to confirm its resolution")
        self._record(self.Closed, origin, reason="confirmed" if customer else "closed")

    def reopen(self, reason: str, origin: Origin) -> None:
        require_allowed(Command.REOPEN, self.status)
        require_text("reason", reason, BODY_MAX)
        self._record(self.Reopened, origin, reason=reason)

    def add_review(self, rating: int, comment: str, origin: Origin) -> None:
        require_allowed(Command.REVIEW, self.status)
        if self.review is not None:
            raise InvalidTransition("the ticket has been reviewed already")
        if not 1 <= rating <= 5:
            raise InvalidInput("rating", "rating must be from 1 to 5")
        if len(comment) > BODY_MAX:
            raise InvalidInput("comment", f"comment must be at most {BODY_MAX} characters")
        self._record(self.Reviewed, origin, rating=rating, comment=comment)

    def visible_messages(self, role: Role) -> list[Message]:
        """Customers never see internal notes."""
        if role is Role.CUSTOMER:
            return [m for m in self.messages if m.kind is MessageKind.REPLY]
        return list(self.messages)

    def _record(self, event_class: type[Event], origin: Origin, **fields: Any) -> None:
        self.trigger_event(event_class, prev_hash=self.head_hash, **who(origin), **fields)


def _message(event: Ticket.Replied | Ticket.NoteAdded, kind: MessageKind) -> Message:
    return Message(
        event.message_id, kind, event.actor_id, event.actor_role, event.body, event.timestamp
    )
