"""Attachments on a ticket, as events (the `Ticket` exposes each under its name)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .personal import unchanged
from .recorded import Recorded, who
from .ticket_events import TicketEvent
from .values import Attachment, Origin, Upload


class AttachmentUploaded(TicketEvent):
    """A file's bytes are in the blob store under `sha256`; the uploader may now put it
    on a reply or a note."""

    attachment_id: UUID
    sha256: str
    filename: str
    content_type: str
    size: int

    personal = ("filename",)
    class_version = sealed_from = 2
    """2: personal fields sealed."""
    upcast_v1_v2 = staticmethod(unchanged)

    def apply(self, aggregate: Any) -> None:
        attachment = Attachment(
            self.attachment_id, self.sha256, self.filename, self.content_type, self.size
        )
        aggregate.uploads = (*aggregate.uploads, Upload(attachment, self.actor_id))


def no_attachments(state: dict[str, Any]) -> None:
    """Replies and notes stored before attachments existed carried none."""
    state["attachments"] = []


class AttachmentPlace(Aggregate):
    """Where an attachment was uploaded: its id is the attachment's, so a download finds
    the ticket (and so who may read it) in one read, on either store."""

    ticket_id: UUID

    def __init__(self) -> None:
        """State is set by `Placed.apply`."""

    class Placed(Recorded, Aggregate.Created):
        ticket_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.ticket_id = self.ticket_id

    @classmethod
    def place(cls, attachment_id: UUID, ticket_id: UUID, origin: Origin) -> AttachmentPlace:
        place: AttachmentPlace = cls._create(
            cls.Placed, id=attachment_id, ticket_id=ticket_id, **who(origin)
        )
        return place
