"""What mail does to a ticket: a received message recorded, a collaborator added, a
follow-up linked to the ticket it follows.

These are the Ticket's own commands; `Ticket` inherits them, so each still records its
events through the aggregate's private `_record`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from .ticket_events import TicketEvent
from .values import Mail, Origin


class TicketMail:
    """The mail commands of `domain.ticket.Ticket` (a mixin of it alone)."""

    customer_id: UUID | None
    collaborator_ids: list[UUID]

    if TYPE_CHECKING:

        def require_not_erased(self) -> None:
            """Defined by the erasure commands."""

        MailReceived: ClassVar[type[TicketEvent]]
        CollaboratorAdded: ClassVar[type[TicketEvent]]
        Linked: ClassVar[type[TicketEvent]]

        def _record(self, event_class: type[TicketEvent], origin: Origin, **fields: Any) -> None:
            """Defined by the Ticket."""

    def receive_mail(self, mail: Mail, origin: Origin) -> None:
        """Recorded in every status: automated mail on a closed ticket changes nothing."""
        self.require_not_erased()
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
        if person_id != self.customer_id and person_id not in self.collaborator_ids:
            self._record(self.CollaboratorAdded, origin, person_id=person_id)
