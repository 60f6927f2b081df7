"""The SLA clock worker: records each warning and breach when its moment comes.

It asks the timers projection which tickets have an alarm due and sends each the
`check_sla` command, which records only what has fallen due and is not yet recorded:
running it twice, after a restart, or from two processes records nothing twice.
On PostgreSQL one worker holds an advisory lock and the others wait as standbys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4, uuid5

from domain.application import HelpDesk, Intent
from domain.errors import DomainError
from domain.values import Actor, Origin, Role
from projections.store import NotInstalled, ViewStore
from projections.timers.queries import due_now

_log = logging.getLogger("ticketing.sla")

SLA_WORKER = Actor(uuid5(UUID("0b5e5a1d-3c8e-4d6f-9a2b-7c1e8f4d2a60"), "sla-worker"), Role.SYSTEM)
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
            origin = Origin(SLA_WORKER, now, correlation_id=uuid4(), causation_id=uuid4())
            try:
                self.helpdesk.check_sla(UUID(ticket_id), Intent(origin))
            except DomainError as e:
                _log.warning("SLA check of %s refused: %s", ticket_id, e)
        return len(due)

    def run(self, stop: threading.Event, leader: Callable[[], bool] = lambda: True) -> None:
        while not stop.is_set():
            if leader():
                try:
                    self.tick()
                except Exception:
                    _log.exception("SLA tick failed; retrying")
            stop.wait(TICK_SECONDS)
