"""Erasing a ticket's personal data when its customer is erased (crypto-shredding).

The store destroys the customer's key, so the events' personal fields read `[erased]`
(`domain.personal`); the Ticket's `Erased` event makes the state held in memory read so
too, and stops anyone adding personal text to a conversation nobody can read.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import InvalidTransition
from .personal import ERASED
from .ticket_events import TicketEvent
from .values import Attachment, Message, Origin, Review, Upload


class TicketErasure:
    """The erasure command of `domain.ticket.Ticket` (a mixin of it alone)."""

    erased: bool

    if TYPE_CHECKING:
        Erased: ClassVar[type[TicketEvent]]

        def _record(self, event_class: type[TicketEvent], origin: Origin, **fields: Any) -> None:
            """Defined by the Ticket."""

    def erase(self, origin: Origin) -> None:
        """Idempotent: a ticket is erased once."""
        if not self.erased:
            self._record(self.Erased, origin)

    def require_not_erased(self) -> None:
        if self.erased:
            raise InvalidTransition("the ticket's customer was erased")


def erased(ticket: Any) -> None:
    """The ticket's state as it reads once its customer's key is gone."""
    ticket.subject = ERASED
    ticket.messages = [_erased_message(m) for m in ticket.messages]
    ticket.uploads = tuple(_erased_upload(u) for u in ticket.uploads)
    if ticket.resolution is not None:
        ticket.resolution = ERASED
    review: Review | None = ticket.review
    if review is not None:
        ticket.review = dataclasses.replace(review, comment=ERASED)
    ticket.erased = True


def _erased_message(message: Message) -> Message:
    files = tuple(_erased_file(a) for a in message.attachments)
    return dataclasses.replace(message, body=ERASED, attachments=files)


def _erased_upload(upload: Upload) -> Upload:
    return dataclasses.replace(upload, attachment=_erased_file(upload.attachment))


def _erased_file(attachment: Attachment) -> Attachment:
    return dataclasses.replace(attachment, filename=ERASED)
