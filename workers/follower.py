"""A worker that follows the log from its own tracked position and acts on events.

Acting is at least once (the position is saved after each batch), so every act must
be idempotent: the assigner's commands carry an idempotency key derived from the
event they answer, the notifier's mail a Message-ID derived from it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import get_topic

from projections.view_store import ViewStore

from .recent import RecentLog

_log = logging.getLogger("ticketing.workers")

BATCH = 200
POLL_SECONDS = 0.2
WORKER_GENERATION = 0
"""Workers track their position beside the projections', in a generation of their own."""


class Behind(Exception):
    """A read model the follower consults has not processed the event yet: the event is
    tried again later, never acted on with what the read model showed before it."""


class LogFollower:
    name: str
    follows: tuple[type[Any], ...]
    consults: tuple[str, ...] = ()
    """The read models this follower reads to act: it never acts on an event they have
    not processed yet, so what it reads there already reflects the event."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        views: ViewStore,
        wake: threading.Event | None = None,
        recent: RecentLog | None = None,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.views = views
        self.wake = wake or threading.Event()
        self.recent = recent or RecentLog(recorder, mapper, keep=0)
        """Where the follower reads the log: what this process's projection runner read
        last, when it has one, else the log itself."""
        self._topics = {get_topic(cls) for cls in self.follows}

    def position(self) -> int:
        return self.views.position(self.name, WORKER_GENERATION)

    def batch(self) -> Sequence[Notification]:
        """The next events to act on: after this follower's position, and no further than
        the read models it consults have come (all positions read in one transaction)."""
        after, consulted = self.views.follower_positions(
            self.name, WORKER_GENERATION, self.consults
        )
        stop = min(consulted.values(), default=None)
        if stop is not None and stop <= after:
            return []
        return self.recent.select(after, BATCH, stop)

    def decode(self, notification: Notification) -> Any:
        return self.recent.event(notification)

    def step(self) -> bool:
        """Acts on the next batch of events; True when there was one."""
        found = self.batch()
        if not found:
            return False
        events = [(n.id, self.decode(n)) for n in found if n.topic in self._topics]
        self.act(events)
        self.views.track(self.name, WORKER_GENERATION, found[-1].id)
        return True

    def act(self, events: Sequence[tuple[int, Any]]) -> None:
        for position, event in events:
            self.handle(position, event)

    def handle(self, position: int, event: Any) -> None:
        raise NotImplementedError

    def run(self, stop: threading.Event, leader: Any = lambda: True) -> None:
        keep_stepping(self.name, self.step, self.wake, stop, leader)


def keep_stepping(
    name: str,
    step: Callable[[], bool],
    wake: threading.Event,
    stop: threading.Event,
    leader: Any = lambda: True,
) -> None:
    """A worker's loop: step while leading and there is work; otherwise wait to be
    woken (or poll). A failed step is logged and tried again a second later."""
    while not stop.is_set():
        progressed = False
        if leader():
            try:
                progressed = step()
            except Exception:
                _log.exception("%s: batch failed; retrying", name)
                stop.wait(1.0)
        if not progressed:
            wake.wait(POLL_SECONDS)
            wake.clear()
