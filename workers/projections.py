"""The projection runner: follows the log and keeps every read model up to date.

It reads the log once per batch for all projections, decodes only the events some
projection handles, and lets each projection apply the part past its own tracked
position, rows and position in one transaction. Followers never skip an event: the
store inserts under a table lock, so positions become visible in order, and the only
gaps are positions of rolled-back inserts, which never reappear.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import get_topic

from projections.base import Projection
from projections.view_store import ViewStore

_log = logging.getLogger("ticketing.projections")

BATCH = 500
REBUILD_BATCH = 2000
POLL_SECONDS = 0.1


@dataclass
class Progress:
    """What a catch-up or rebuild has done so far, for progress bars."""

    position: int
    head: int
    events: int
    started: float


class ProjectionRunner:
    """Keeps the given projections live; `run` until `stop` is set."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        views: ViewStore,
        projections: Sequence[type[Projection]],
        wake: threading.Event | None = None,
        batch: int = BATCH,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.views = views
        self.projections = list(projections)
        self.wake = wake or threading.Event()
        self.batch = batch
        self._topics = {get_topic(cls) for p in self.projections for cls in p.handlers}

    def start(self) -> None:
        """Installs new projections and rebuilds those whose schema version changed."""
        self.views.setup()
        for projection in self.projections:
            live = self.views.live(projection.name)
            if live is None:
                self.views.install(projection)
            elif live[1] != projection.version:
                _log.warning("%s changed version: rebuilding", projection.name)
                rebuild(self, projection)

    def run(self, stop: threading.Event) -> None:
        self.start()
        while not stop.is_set():
            try:
                progressed = self.step()
            except Exception:
                _log.exception("projection batch failed; retrying")
                progressed = False
                stop.wait(1.0)
            if not progressed:
                self.wake.wait(POLL_SECONDS)
                self.wake.clear()

    def step(self) -> bool:
        """One batch for every projection that is behind; True when any progressed."""
        positions = {p.name: self.views.position(p.name) for p in self.projections}
        start = min(positions.values(), default=0)
        notifications = self.recorder.select_notifications(
            start, self.batch, inclusive_of_start=False
        )
        if not notifications:
            return False
        events = self.decode(notifications)
        last = notifications[-1].id
        for projection in self.projections:
            if positions[projection.name] < last:
                self.views.apply(projection, relevant(projection, events), last, read_from=start)
        return True

    def decode(self, notifications: Sequence[Notification]) -> list[tuple[int, Any]]:
        return [
            (n.id, self.mapper.to_domain_event(n)) for n in notifications if n.topic in self._topics
        ]

    def catch_up(
        self,
        projection: type[Projection],
        generation: int,
        report: Callable[[Progress], None] | None = None,
    ) -> int:
        """Fills one generation from its tracked position to the log's head, in batches."""
        position = self.views.position(projection.name, generation)
        started, done = time.monotonic(), 0
        head = self.recorder.max_notification_id() or 0
        for last, count, events in self._read_ahead(position, REBUILD_BATCH, projection):
            self.views.apply(projection, events, last, generation)
            position, done = last, done + count
            if report is not None:
                report(Progress(position, max(head, position), done, started))
        return position

    def _read_ahead(
        self, position: int, size: int, projection: type[Projection]
    ) -> Iterator[tuple[int, int, list[tuple[int, Any]]]]:
        """Batches (last position, events read, relevant events) read and decoded by a
        second thread, so that reading the log overlaps with writing the rows."""
        ready: queue.Queue[tuple[int, int, list[tuple[int, Any]]] | BaseException | None]
        ready = queue.Queue(maxsize=2)
        done = threading.Event()

        def read() -> None:
            after = position
            try:
                while not done.is_set():
                    found = self.recorder.select_notifications(
                        after, size, inclusive_of_start=False
                    )
                    if not found:
                        break
                    after = found[-1].id
                    ready.put((after, len(found), relevant(projection, self.decode(found))))
                ready.put(None)
            except BaseException as e:  # handed to the consumer, which re-raises it
                ready.put(e)

        reader = threading.Thread(target=read, name="log-reader", daemon=True)
        reader.start()
        try:
            while (item := ready.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            done.set()
            while reader.is_alive():
                with contextlib.suppress(queue.Empty):
                    ready.get(timeout=0.1)


def relevant(projection: type[Projection], events: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    return [(p, e) for p, e in events if type(e) in projection.handlers]


def rebuild(
    runner: ProjectionRunner,
    projection: type[Projection],
    report: Callable[[Progress], None] | None = None,
) -> None:
    """Fills a new generation from position 0 beside the live one, then swaps it in.

    Readers keep reading the live generation until the swap, which is one
    transaction; the live runner then carries on from the new generation's position.
    The replaced generation is dropped by the next rebuild, not now, so that a read
    that looked up the old generation just before the swap still finds its tables.
    """
    views = runner.views
    live = views.live(projection.name)
    for stale in views.generations(projection.name):
        if live is None or stale != live[0]:
            views.drop_generation(projection, stale)
    generation = 1 if live is None else live[0] + 1
    views.create_generation(projection, generation, indexed=False)
    runner.catch_up(projection, generation, report)
    views.add_indexes(projection, generation)
    runner.catch_up(projection, generation, report)
    views.swap(projection, generation)
