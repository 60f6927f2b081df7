"""The auto-closer: a ticket resolved for its department's `auto_close_days` without the
customer coming back is closed with reason `auto`, caused by the resolution and carrying
on its correlation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.application import HelpDesk
from domain.errors import DomainError, NotFound
from domain.organisation import Department
from domain.pipeline import Idempotency, Intent
from domain.values import Origin
from projections.queue.queries import resolved_before
from projections.registry import NotInstalled
from projections.view_store import ViewStore

from .actors import AUTO_CLOSER

_log = logging.getLogger("ticketing.autoclose")


class AutoCloser:
    def __init__(self, helpdesk: HelpDesk, views: ViewStore, clock: Callable[[], datetime]) -> None:
        self.helpdesk = helpdesk
        self.views = views
        self.clock = clock

    def tick(self) -> int:
        """Closes every ticket whose quiet period has passed; answers how many."""
        now = self.clock()
        try:
            candidates = resolved_before(self.views, now - timedelta(days=1))
        except NotInstalled:
            return 0
        self.helpdesk.catch_up()  # departments as other processes left them
        days: dict[str | None, int | None] = {}
        closed = 0
        for ticket_id, department_id, resolved_at in candidates:
            if department_id not in days:
                days[department_id] = self._days(department_id)
            limit = days[department_id]
            if limit is None or datetime.fromisoformat(resolved_at) > now - timedelta(days=limit):
                continue
            key = Idempotency(f"auto-close:{ticket_id}:{resolved_at}", "auto-close")
            try:
                origin = self._origin(UUID(ticket_id), now)
                self.helpdesk.close_ticket(UUID(ticket_id), Intent(origin, idempotency=key))
                closed += 1
            except DomainError as e:
                _log.info("auto-close of %s refused: %s", ticket_id, e)
        return closed

    def _origin(self, ticket_id: UUID, now: datetime) -> Origin:
        """Fresh ids only for a ticket resolved before tickets kept their resolution's
        cause (an older snapshot)."""
        cause = self.helpdesk.ticket(ticket_id, AUTO_CLOSER).resolved_by
        if cause is None:
            return Origin(AUTO_CLOSER, now, uuid4(), uuid4())
        return Origin(AUTO_CLOSER, now, cause.correlation_id, cause.event_id)

    def _days(self, department_id: str | None) -> int | None:
        if department_id is None:
            return None
        try:
            return self.helpdesk.one(Department, UUID(department_id)).auto_close_days
        except NotFound:
            return None
