"""The Ticket aggregate: its events and how they change its state. Its commands are
grouped in `ticket_opening`, `ticket_handling` (routing, status, SLA checks),
`ticket_conversation` (uploads, replies, notes), `ticket_mail` and `ticket_resolution`
(resolve, close, reopen, review)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeAlias
from uuid import UUID

from eventsourcing.domain import Aggregate

from . import attachment_events, sla_events, ticket_sla
from .attachment_events import no_attachments
from .attachments import without
from .personal import unchanged
from .recorded import ShallowCopied, who
from .sla import EVERY, RESPONSES, SLAClock, finished
from .ticket_conversation import TicketConversation
from .ticket_erasure import TicketErasure, erased
from .ticket_events import TicketEvent
from .ticket_handling import TicketHandling
from .ticket_mail import TicketMail
from .ticket_opening import TicketOpening
from .ticket_resolution import TicketResolution
from .ticket_sla import Change
from .values import (
    AssignReason,
    Attachment,
    Cause,
    Message,
    MessageKind,
    Origin,
    Priority,
    Review,
    Role,
    Status,
    Upload,
)


class Ticket(
    ShallowCopied,
    TicketOpening,
    TicketHandling,
    TicketConversation,
    TicketMail,
    TicketResolution,
    TicketErasure,
    Aggregate,
):
    """One customer request and everything done about it (its resolution commands are
    in `ticket_resolution`)."""

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
    resolved_by: Cause | None
    """The newest resolution, as the cause of the automatic close it may lead to."""
    uploads: tuple[Upload, ...]
    head_hash: str
    collaborator_ids: list[UUID]
    """Other addresses that answered the ticket's mail; they get its later public mail."""
    erased: bool
    chained: ClassVar[bool] = True
    """Whether its events are chained; only a what-if copy, never saved, goes without."""

    def __init__(self) -> None:
        """State is set by `Created.apply`; the annotations above type the snapshots."""

    class_version = 5
    """2: `resolved_by`; 3: `uploads`, the attachments not yet on a message; 4:
    `collaborator_ids` (older snapshots have none of them); 5: `erased`."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["resolved_by"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["uploads"] = []

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        state["collaborator_ids"] = []

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        state["erased"] = False

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

        personal = ("subject", "body")
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

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
            ticket.resolved_by = None
            ticket.uploads = ()
            ticket.collaborator_ids = []
            ticket.erased = False
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
        """A public message: the customer sees it, and its attachments."""

        message_id: UUID
        body: str
        attachments: tuple[Attachment, ...]

        personal = ("body", "attachments.filename")
        class_version = sealed_from = 3
        """2: `attachments`; 3: personal fields sealed."""

        upcast_v1_v2 = staticmethod(no_attachments)
        upcast_v2_v3 = staticmethod(unchanged)

        def apply(self, aggregate: Any) -> None:
            aggregate.messages.append(_message(self, MessageKind.REPLY))
            aggregate.uploads = without(aggregate.uploads, self.attachments)
            if self.actor_role is not Role.CUSTOMER:
                aggregate.sla = finished(aggregate.sla, RESPONSES)

    class NoteAdded(Event):
        """An internal message; deliberately not a kind of `Replied`, so that
        nothing that shows replies can show a note by matching on the type."""

        message_id: UUID
        body: str
        attachments: tuple[Attachment, ...]

        personal = ("body", "attachments.filename")
        class_version = sealed_from = 3
        """2: `attachments`; 3: personal fields sealed."""

        upcast_v1_v2 = staticmethod(no_attachments)
        upcast_v2_v3 = staticmethod(unchanged)

        def apply(self, aggregate: Any) -> None:
            aggregate.messages.append(_message(self, MessageKind.NOTE))
            aggregate.uploads = without(aggregate.uploads, self.attachments)

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

        personal = ("resolution",)
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.RESOLVED
            aggregate.resolution = self.resolution
            aggregate.resolved_by = Cause(self.event_id, self.correlation_id)
            aggregate.sla = finished(aggregate.sla, EVERY)

    class Closed(Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.CLOSED
            aggregate.closed_at = self.timestamp
            aggregate.sla = finished(aggregate.sla, EVERY)

    class Reopened(Event):
        reason: str

        personal = ("reason",)
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

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

        personal = ("sender", "message_id")
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

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

        personal = ("comment",)
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

        def apply(self, aggregate: Any) -> None:
            aggregate.review = Review(self.rating, self.comment, self.timestamp)

    class Erased(Event):
        """The customer was erased: every personal field of the ticket reads `[erased]`
        from now on, and nothing personal can be added to it."""

        def apply(self, aggregate: Any) -> None:
            erased(aggregate)

    AttachmentUploaded: TypeAlias = attachment_events.AttachmentUploaded
    SLAStarted: TypeAlias = sla_events.SLAStarted
    SLATargetStarted: TypeAlias = sla_events.SLATargetStarted
    SLAPaused: TypeAlias = sla_events.SLAPaused
    SLAResumed: TypeAlias = sla_events.SLAResumed
    SLAWarning: TypeAlias = sla_events.SLAWarning
    SLABreached: TypeAlias = sla_events.SLABreached
    SLAMet: TypeAlias = sla_events.SLAMet

    def _record(self, event_class: type[Event], origin: Origin, **fields: Any) -> None:
        """Triggers an event with the command's origin, chained to its predecessor. Only
        the Ticket's own commands record, so nothing can append past the lifecycle rules."""
        self.trigger_event(event_class, prev_hash=self.head_hash, **who(origin), **fields)

    def _record_all(self, changes: list[Change], origin: Origin) -> None:
        for event_class, fields in changes:
            self._record(event_class, origin, **fields)

    def _move(self, status: Status, origin: Origin) -> None:
        before = self.status
        self._record(self.StatusChanged, origin, status=status)
        self._record_all(ticket_sla.status_moved(self.sla, before, status, origin.at), origin)


def collaborators(ticket: Ticket) -> list[UUID]:
    return list(ticket.collaborator_ids)


def _message(event: Ticket.Replied | Ticket.NoteAdded, kind: MessageKind) -> Message:
    return Message(
        event.message_id,
        kind,
        event.actor_id,
        event.actor_role,
        event.body,
        event.timestamp,
        tuple(event.attachments),
    )
