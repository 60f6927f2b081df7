"""The stretch of the log the projection runner read last, for the followers of the same
process: they act on what the runner has just applied, so they find it here, read and
decoded once, instead of reading the log again.

A window is only ever a whole stretch of the log, every position in (after, last], as
one read returned it (positions become visible in order, see `projections.py`), so
serving a follower from it skips nothing. Reads it does not cover go to the log.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

KEEP = 2000
"""Notifications kept at most: enough for the followers just behind the runner."""


class RecentLog:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any], keep: int = KEEP):
        self.recorder = recorder
        self.mapper = mapper
        self.keep = keep
        self._lock = threading.Lock()
        self._after = 0
        self._found: list[Notification] = []
        self._ids: list[int] = []
        self._events: dict[int, Any] = {}

    def add(
        self, after: int, found: Sequence[Notification], events: Sequence[tuple[int, Any]]
    ) -> None:
        """Keeps what one read of the log after `after` found, with what it decoded."""
        if not found:
            return
        with self._lock:
            if not self._ids or after != self._ids[-1]:
                self._after, self._found, self._ids, self._events = after, [], [], {}
            self._found += found
            self._ids += [n.id for n in found]
            self._events.update(events)
            drop = len(self._found) - self.keep
            if drop > 0:
                self._after = self._ids[drop - 1]
                for position in self._ids[:drop]:
                    self._events.pop(position, None)
                del self._found[:drop], self._ids[:drop]

    def select(self, after: int, limit: int, stop: int | None = None) -> Sequence[Notification]:
        """The log after `after`, at most `limit` and up to `stop`: from the window when it
        holds what follows `after`, from the log otherwise."""
        with self._lock:
            if self._ids and self._after <= after < self._ids[-1]:
                first = bisect.bisect_right(self._ids, after)
                end = len(self._ids) if stop is None else bisect.bisect_right(self._ids, stop)
                return self._found[first : min(end, first + limit)]
        return self.recorder.select_notifications(after, limit, stop=stop, inclusive_of_start=False)

    def event(self, notification: Notification) -> Any:
        """The notification's event, decoded by the runner when it was in a batch."""
        with self._lock:
            event = self._events.get(notification.id)
        return self.mapper.to_domain_event(notification) if event is None else event
