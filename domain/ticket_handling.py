"""How a ticket is handled: assigned, transferred, moved between statuses, reprioritised
and its SLA clock checked.

These are the Ticket's own commands; `Ticket` inherits them, so each still records its
events through the aggregate's private `_record`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from . import ticket_sla
from .errors import InvalidTransition
from .lifecycle import Command, require_allowed, require_move
from .sla import SLAClock, SLATerms
from .ticket_events import TicketEvent
from .ticket_sla import Change
from .values import AssignReason, Origin, Priority, Status


class TicketHandling:
    """The handling commands of `domain.ticket.Ticket` (a mixin of it alone)."""

    status: Status
    priority: Priority
    sla: SLAClock | None
    assignee_id: UUID | None
    department_id: UUID | None

    if TYPE_CHECKING:
        Assigned: ClassVar[type[TicketEvent]]
        Transferred: ClassVar[type[TicketEvent]]
        PriorityChanged: ClassVar[type[TicketEvent]]

        def _record(self, event_class: type[TicketEvent], origin: Origin, **fields: Any) -> None:
            """Defined by the Ticket."""

        def _record_all(self, changes: list[Change], origin: Origin) -> None:
            """Defined by the Ticket."""

        def _move(self, status: Status, origin: Origin) -> None:
            """Defined by the Ticket."""

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

    def change_status(self, status: Status, origin: Origin) -> None:
        require_allowed(Command.CHANGE_STATUS, self.status)
        require_move(self.status, status)
        self._move(status, origin)

    def change_priority(self, priority: Priority, origin: Origin) -> None:
        require_allowed(Command.CHANGE_PRIORITY, self.status)
        if priority is self.priority:
            raise InvalidTransition(f"the priority is already {priority.value}")
        self._record(self.PriorityChanged, origin, priority=priority)

    def check_sla(self, origin: Origin) -> None:
        """Records the warnings and breaches that have fallen due at `origin.at`, once."""
        require_allowed(Command.CHECK_SLA, self.status)
        self._record_all(ticket_sla.check(self.sla, origin.at), origin)
