"""How work on a ticket ends and starts again: resolve, close, reopen, review.

These are the Ticket's own commands, kept apart because they share the settling of the
SLA clock; `Ticket` inherits them, so each still records its events through the
aggregate's private `_record`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from . import ticket_sla
from .errors import InvalidInput, InvalidTransition
from .lifecycle import CUSTOMER_CLOSABLE, Command, require_allowed
from .policy import BODY_MAX, require_printable, require_text
from .sla import EVERY, SLAClock
from .ticket_events import TicketEvent
from .ticket_sla import Change
from .values import Origin, Review, Role, Status


class TicketResolution:
    """The resolution commands of `domain.ticket.Ticket` (a mixin of it alone)."""

    status: Status
    sla: SLAClock | None
    review: Review | None
    closed_at: datetime | None

    if TYPE_CHECKING:
        Resolved: ClassVar[type[TicketEvent]]
        Closed: ClassVar[type[TicketEvent]]
        Reopened: ClassVar[type[TicketEvent]]
        Reviewed: ClassVar[type[TicketEvent]]

        def _record(self, event_class: type[TicketEvent], origin: Origin, **fields: Any) -> None:
            """Defined by the Ticket."""

        def _record_all(self, changes: list[Change], origin: Origin) -> None:
            """Defined by the Ticket."""

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

    def reopen_window_passed(self, at: datetime, reopen_days: int | None) -> bool:
        """Whether a customer's reopen at `at` would come too late (mail after it opens a
        new ticket instead)."""
        if self.closed_at is None or reopen_days is None:
            return False
        return at > self.closed_at + timedelta(days=reopen_days)

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

    def _settle(self, act: Change, origin: Origin) -> None:
        """Resolving or closing: a paused clock resumes first, so that the verdicts count
        the time before the pause only."""
        self._record_all(ticket_sla.resume(self.sla, origin.at), origin)
        self._record_all(ticket_sla.satisfying(self.sla, EVERY, origin.at, act), origin)

    def _reopen(self, reason: str, origin: Origin) -> None:
        self._record(self.Reopened, origin, reason=reason)
        self._record_all(ticket_sla.restart_resolution(self.sla, origin.at, self.status), origin)


def _close_reason(origin: Origin) -> str:
    if origin.actor.is_customer:
        return "confirmed"
    return "auto" if origin.actor.role is Role.SYSTEM else "closed"
