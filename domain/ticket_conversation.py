"""How people talk on a ticket: uploads, replies and notes, and what each of them sees.

These are the Ticket's own commands, kept apart because a conversation is most of what a
ticket holds; `Ticket` inherits them, so each still records its events through the
aggregate's private `_record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from . import ticket_sla
from .attachments import take_uploads
from .lifecycle import Command, require_allowed
from .policy import BODY_MAX, require_text
from .sla import RESPONSES, SLAClock
from .ticket_events import TicketEvent
from .ticket_sla import Change
from .values import Attachment, Message, MessageKind, Origin, Role, Status, Upload


class TicketConversation:
    """The conversation commands of `domain.ticket.Ticket` (a mixin of it alone)."""

    status: Status
    sla: SLAClock | None
    messages: list[Message]
    uploads: tuple[Upload, ...]

    if TYPE_CHECKING:

        def require_not_erased(self) -> None:
            """Defined by the erasure commands."""

        AttachmentUploaded: ClassVar[type[TicketEvent]]
        Replied: ClassVar[type[TicketEvent]]
        NoteAdded: ClassVar[type[TicketEvent]]

        def _record(self, event_class: type[TicketEvent], origin: Origin, **fields: Any) -> None:
            """Defined by the Ticket."""

        def _record_all(self, changes: list[Change], origin: Origin) -> None:
            """Defined by the Ticket."""

        def _move(self, status: Status, origin: Origin) -> None:
            """Defined by the Ticket."""

        def _reopen(self, reason: str, origin: Origin) -> None:
            """Defined by the resolution commands."""

    def upload(self, attachments: Sequence[Attachment], origin: Origin) -> None:
        """Files for the uploader's next reply or note."""
        self.require_not_erased()
        require_allowed(Command.ATTACH, self.status)
        for a in attachments:
            self._record(
                self.AttachmentUploaded,
                origin,
                attachment_id=a.id,
                sha256=a.sha256,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
            )

    def reply(
        self, message_id: UUID, body: str, origin: Origin, attachment_ids: Sequence[UUID] = ()
    ) -> None:
        """A customer's reply also wakes the ticket (awaiting → in progress, resolved →
        open) and then starts the next-response clock; a staff reply answers it."""
        self.require_not_erased()
        require_allowed(Command.REPLY, self.status)
        require_text("body", body, BODY_MAX)
        attachments = take_uploads(self.uploads, attachment_ids, origin.actor)
        replied: Change = (
            self.Replied,
            {"message_id": message_id, "body": body, "attachments": attachments},
        )
        if not origin.actor.is_customer:
            answered = ticket_sla.satisfying(self.sla, RESPONSES, origin.at, replied)
            self._record_all(answered, origin)
            return
        self._record_all([replied], origin)
        if self.status is Status.AWAITING_CUSTOMER:
            self._move(Status.IN_PROGRESS, origin)
        elif self.status is Status.RESOLVED:
            self._reopen("customer replied", origin)
        self._record_all(ticket_sla.await_answer(self.sla, origin.at), origin)

    def add_note(
        self, message_id: UUID, body: str, origin: Origin, attachment_ids: Sequence[UUID] = ()
    ) -> None:
        self.require_not_erased()
        require_allowed(Command.NOTE, self.status)
        require_text("body", body, BODY_MAX)
        attachments = take_uploads(self.uploads, attachment_ids, origin.actor)
        self._record(
            self.NoteAdded, origin, message_id=message_id, body=body, attachments=attachments
        )

    def visible_messages(self, role: Role) -> list[Message]:
        """Customers never see internal notes."""
        if role is Role.CUSTOMER:
            return [m for m in self.messages if m.kind is MessageKind.REPLY]
        return list(self.messages)
