"""An aggregate cache kept fresh by following the log, instead of a query per load.

The library's cache either fast-forwards each cached aggregate with a query on every
load, or trusts it blindly. This keeps it trusted and fresh: `catch_up()` reads what the
log gained since the last call (one indexed query, usually a handful of rows) and evicts
every cached aggregate an event has moved past, so a load after a catch-up sees every
commit that came before the call, from any process. Commands need not even that: a
stale subject meets the store's (aggregate, version) uniqueness, and the pipeline evicts
it and tries again (`forget`).

Calls that arrive while a catch-up is under way wait for it and, when the one after it
would start later than they did, reuse it: a burst of requests costs one query, not one
each. The log is read in order (the store serializes inserts, so a position once read
is never filled in later).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any
from uuid import UUID

from eventsourcing.application import LRUCache
from eventsourcing.persistence import ApplicationRecorder, Notification

BATCH = 500
REMEMBERED = 20_000
"""How many aggregates' newest logged versions are remembered, so a save that finishes
after a later one was logged cannot put its older version back in the cache."""


class FollowedCache(LRUCache[UUID, Any]):
    """The repository's cache, refusing to take a version older than one it holds or
    than the log is known to hold: a load or save that finishes after a later version
    was logged cannot put stale state back."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self.newest: OrderedDict[UUID, int] = OrderedDict()
        self.guard = threading.Lock()

    def put(self, key: UUID, value: Any) -> Any:
        with self.guard:
            if value is None or self.newest.get(key, 0) > value.version:
                return None
            try:
                if super().get(key).version >= value.version:
                    return None
            except KeyError:
                pass
            return super().put(key, value)

    def logged(self, key: UUID, version: int) -> None:
        """The log holds `version` of the aggregate: an older cached one goes."""
        with self.guard:
            self.newest[key] = max(version, self.newest.pop(key, 0))
            if len(self.newest) > REMEMBERED:
                self.newest.popitem(last=False)
            with suppress(KeyError):
                if super().get(key).version < version:
                    super().get(key, evict=True)

    def forget(self, keys: Iterable[UUID]) -> None:
        for key in keys:
            with suppress(KeyError):
                super().get(key, evict=True)


class CacheFollower:
    def __init__(self, recorder: ApplicationRecorder, cache: FollowedCache) -> None:
        self.recorder = recorder
        self.cache = cache
        self.observers: list[Callable[[Notification], None]] = []
        """Told of every notification a catch-up reads (the store's key cache, say, which
        must drop an erased customer's key as soon as the log says so)."""
        self._position = 0
        self._lock = threading.Lock()
        """Held by a catch-up while it reads the log."""
        self._asked_lock = threading.Lock()
        self._asked = 0
        """Calls numbered in arrival order; `_served` is the last one a finished catch-up
        had seen arrive before it read the log."""
        self._served = 0

    def start_at_head(self) -> None:
        """Nothing is cached yet: only what the log gains from now on can make it stale."""
        self._position = self.recorder.max_notification_id() or 0

    def catch_up(self) -> None:
        with self._asked_lock:
            self._asked += 1
            mine = self._asked
        with self._lock:
            if self._served >= mine:
                return
            with self._asked_lock:
                arrived = self._asked
            while True:
                batch = self.recorder.select_notifications(self._position + 1, BATCH)
                for n in batch:
                    self.cache.logged(UUID(str(n.originator_id)), n.originator_version)
                    for observer in self.observers:
                        observer(n)
                if batch:
                    self._position = batch[-1].id
                if len(batch) < BATCH:
                    break
            self._served = arrived
