"""The SLA clock worker: records each warning and breach when its moment comes.

It asks the timers projection which tickets have an alarm due and sends each the
`check_sla` command, which records only what has fallen due and is not yet recorded:
each check answers the event that started the clock of its first alarm (its causation)
and carries on that event's correlation, so that a breach points at what it is about.
running it twice, after a restart, or from two processes records nothing twice.
On PostgreSQL one worker holds an advisory lock and the others wait as standbys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4

from domain.application import HelpDesk
from domain.errors import DomainError
from domain.pipeline import Intent
from domain.sla import alarm_cause
from domain.values import Origin
from projections.registry import NotInstalled
from projections.timers.queries import due_now
from projections.view_store import ViewStore

from .actors import SLA_WORKER

_log = logging.getLogger("ticketing.sla")

TICK_SECONDS = 1.0


class SLAWorker:
    def __init__(self, helpdesk: HelpDesk, views: ViewStore, clock: Callable[[], datetime]) -> None:
        self.helpdesk = helpdesk
        self.views = views
        self.clock = clock

    def tick(self) -> int:
        """Checks every ticket with an alarm due now; answers how many it checked."""
        now = self.clock()
        try:
            due = due_now(self.views, now)
        except NotInstalled:
            return 0
        for ticket_id in due:
            try:
                origin = self._origin(UUID(ticket_id), now)
                self.helpdesk.check_sla(UUID(ticket_id), Intent(origin))
            except DomainError as e:
                _log.warning("SLA check of %s refused: %s", ticket_id, e)
        return len(due)

    def _origin(self, ticket_id: UUID, now: datetime) -> Origin:
        """Caused by the event that started the due target's clock; a clock with
        nothing due (the timers were behind) records nothing, so fresh ids do."""
        cause = alarm_cause(self.helpdesk.ticket(ticket_id, SLA_WORKER).sla, now)
        if cause is None:
            return Origin(SLA_WORKER, now, correlation_id=uuid4(), causation_id=uuid4())
        return Origin(SLA_WORKER, now, cause.correlation_id, cause.event_id)


def every_second(
    stop: threading.Event, leader: Callable[[], bool], *ticks: Callable[[], int]
) -> None:
    """Runs time-driven work (SLA alarms, auto-close) while this process leads."""
    while not stop.is_set():
        if leader():
            for tick in ticks:
                try:
                    tick()
                except Exception:
                    _log.exception("%s failed; retrying", getattr(tick, "__qualname__", tick))
        stop.wait(TICK_SECONDS)
