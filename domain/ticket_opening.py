"""How a ticket comes to be: opened with its first message, by mail or not, under its SLA
terms from the first moment.

The Ticket's own command; `Ticket` inherits it, so it records its events through the
aggregate's private `_record`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import CanInitAggregate

from . import chain, ticket_sla
from .policy import BODY_MAX, SUBJECT_MAX, require_text
from .recorded import who
from .sla import BOTH, SLATerms
from .ticket_sla import Change
from .values import Mail, Origin, Priority, Status


class TicketOpening:
    """The opening command of `domain.ticket.Ticket` (a mixin of it alone)."""

    status: Status

    if TYPE_CHECKING:
        Created: ClassVar[type[CanInitAggregate[UUID]]]

        @classmethod
        def _create(
            cls,
            event_class: type[CanInitAggregate[UUID]],
            *,
            id: UUID | None = None,
            **kwargs: Any,
        ) -> Self:
            """The library's aggregate creation."""

        def _record_all(self, changes: list[Change], origin: Origin) -> None:
            """Defined by the Ticket."""

        def receive_mail(self, mail: Mail, origin: Origin) -> None:
            """Defined by the mail commands."""

        def link(self, ticket_id: UUID, origin: Origin) -> None:
            """Defined by the mail commands."""

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
    ) -> Self:
        require_text("subject", subject, SUBJECT_MAX, multiline=False)
        require_text("body", body, BODY_MAX)
        ticket = cls._create(
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
