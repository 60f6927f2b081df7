"""The projection runner: follows the log and keeps every read model up to date.

It reads the log once per batch for all projections, decodes only the events some
projection handles, and lets each projection apply the part past its own tracked
position, rows and position in one transaction. Followers never skip an event: the
store inserts under a table lock, so positions become visible in order, and the only
gaps are positions of rolled-back inserts, which never reappear.
"""

from __future__ import annotations

import contextlib
import functools
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
REBUILD_BATCH = 5000
POLL_SECONDS = 0.1
COALESCE_SECONDS = 0.002
"""How long a woken runner waits for the rest of a burst of commits before it reads."""


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
        rebuild_batch: int = REBUILD_BATCH,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.views = views
        self.projections = list(projections)
        self.wake = wake or threading.Event()
        self.batch = batch
        self.rebuild_batch = rebuild_batch
        self.on_applied: list[Callable[[int, Sequence[Notification], list[tuple[int, Any]]], None]]
        self.on_applied = []
        """Called with each batch once applied (read after which position, what was read,
        what was decoded): the followers in this process read it from there
        (`recent.py`) rather than from the log again."""
        self._positions: dict[str, int] | None = None
        """The projections' positions as the last batch left them, so that a step asks
        the store only for the log; another process advancing them meanwhile costs a
        redundant read, never a skipped event (`batch_writer.apply` skips what is done)."""

    def start(self) -> None:
        """Installs new projections and rebuilds those whose schema version changed."""
        self.views.setup()
        stale = []
        for projection in self.projections:
            live = self.views.live(projection.name)
            if live is None:
                self.views.install(projection)
            elif live[1] != projection.version:
                _log.warning("%s changed version: rebuilding", projection.name)
                stale.append(projection)
        if stale:
            rebuild_all(self, stale)
        self._positions = None

    def run(self, stop: threading.Event) -> None:
        self.start()
        while not stop.is_set():
            try:
                caught_up = self.advance() < self.batch
            except Exception:
                _log.exception("projection batch failed; retrying")
                caught_up, self._positions = True, None
                stop.wait(1.0)
            if caught_up and self.wake.wait(POLL_SECONDS):
                stop.wait(COALESCE_SECONDS)  # a burst of wake-ups becomes one read
            self.wake.clear()

    def step(self) -> bool:
        """One batch for every projection that is behind; True when any progressed."""
        return self.advance() > 0

    def advance(self) -> int:
        """One batch for every projection that is behind, in one transaction; answers
        how many events it read (0: every projection is at the head)."""
        positions = self._positions
        if positions is None:
            positions = self.views.positions([p.name for p in self.projections])
        start = min(positions.values(), default=0)
        notifications = self.recorder.select_notifications(
            start, self.batch, inclusive_of_start=False
        )
        if not notifications:
            self._positions = positions
            return 0
        events = decode(self.mapper, notifications, self.projections)
        last = notifications[-1].id
        behind = [p for p in self.projections if positions[p.name] < last]
        self._positions = positions | self.views.apply_all(
            [(p, relevant(p, events), None) for p in behind], last, read_from=start
        )
        for applied in self.on_applied:
            applied(start, notifications, events)
        return len(notifications)

    def fill(
        self,
        generations: dict[type[Projection], int],
        report: Callable[[Progress], None] | None = None,
    ) -> int:
        """Fills the given generations from their tracked positions to the log's head in
        one pass: each batch is read and decoded once, for all of them, and applied to
        all of them in one transaction. Answers the position reached."""
        projections = list(generations)
        position = min(self.views.position(p.name, g) for p, g in generations.items())
        started, done = time.monotonic(), 0
        head = self.recorder.max_notification_id() or 0
        for last, count, events in self._read_ahead(position, self.rebuild_batch, projections):
            self.views.apply_all(
                [(p, relevant(p, events), g) for p, g in generations.items()], last
            )
            position, done = last, done + count
            if report is not None:
                report(Progress(position, max(head, position), done, started))
        return position

    def _read_ahead(
        self, position: int, size: int, projections: list[type[Projection]]
    ) -> Iterator[tuple[int, int, list[tuple[int, Any]]]]:
        """Batches (last position, events read, decoded events) read and decoded by a
        second thread, so that reading the log overlaps with writing the rows; at most
        two batches wait, so memory stays flat however long the log."""
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
                    ready.put((after, len(found), decode(self.mapper, found, projections)))
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


def decode(
    mapper: Mapper[Any], notifications: Sequence[Notification], by: Sequence[type[Projection]]
) -> list[tuple[int, Any]]:
    """The events some of the projections handle, decoded once for all of them; the
    others are skipped by their topic, their bodies never decoded."""
    topics = _topics(tuple(by))
    return [(n.id, mapper.to_domain_event(n)) for n in notifications if n.topic in topics]


@functools.cache
def _topics(projections: tuple[type[Projection], ...]) -> frozenset[str]:
    return frozenset(get_topic(cls) for p in projections for cls in p.handlers)


def relevant(projection: type[Projection], events: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    return [(p, e) for p, e in events if type(e) in projection.handlers]


def rebuild(
    runner: ProjectionRunner,
    projection: type[Projection],
    report: Callable[[Progress], None] | None = None,
) -> None:
    """Rebuilds one projection (see `rebuild_all`)."""
    rebuild_all(runner, [projection], report)


def rebuild_all(
    runner: ProjectionRunner,
    projections: Sequence[type[Projection]],
    report: Callable[[Progress], None] | None = None,
) -> None:
    """Fills a new generation of each projection from position 0 beside the live one,
    all in one pass over the log, then swaps each in.

    Readers keep reading the live generation until the swap, which is one
    transaction; the live runner then carries on from the new generation's position.
    The replaced generation is dropped by the next rebuild, not now, so that a read
    that looked up the old generation just before the swap still finds its tables.
    The new generations get their secondary indexes once filled, and then catch up
    with what the log gained meanwhile.
    """
    views = runner.views
    generations: dict[type[Projection], int] = {}
    for projection in projections:
        live = views.live(projection.name)
        for stale in views.generations(projection.name):
            if live is None or stale != live[0]:
                views.drop_generation(projection, stale)
        generations[projection] = 1 if live is None else live[0] + 1
        views.create_generation(projection, generations[projection], indexed=False)
    runner.fill(generations, report)
    for projection, generation in generations.items():
        views.add_indexes(projection, generation)
    runner.fill(generations, report)
    for projection, generation in generations.items():
        views.swap(projection, generation)
