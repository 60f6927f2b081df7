"""The projections worker as a process of its own, on each store: killed again and again
during catch-up it ends exactly where a rebuild ends; stopped with SIGTERM it exits 0
and resumes from its tracked position."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from wiring.config import Settings
from wiring.services import Services
from wiring.views import PROJECTIONS
from workers.projections import rebuild

from ..conftest import FakeClock
from .projection_helpers import (
    live,
    logged,
    note_storm,
    opened,
    positions,
    replayed,
    small_runner,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = 20260302
CATCH_UP_SECONDS = 180
READY = "worker projections:"
"""The start of the line a worker prints once its signal handlers are installed."""


class Worker:
    """`ticketing worker projections` in a process of its own, its output in a file."""

    def __init__(self, settings: Settings, output: Path) -> None:
        env = dict(os.environ, TICKETING_DATABASE_URL=settings.database_url)
        env.pop("TICKETING_EMBEDDED_WORKERS", None)
        self.output = output
        self._file: IO[bytes] = output.open("ab")
        self._start = self._file.tell()  # workers share the file; each reads its own part
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ticketing.cli", "worker", "projections"],
            cwd=ROOT,
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.output.read_bytes()[self._start :].decode(errors="replace")

    def wait_until_running(self, timeout: float = 60) -> None:
        """Until the worker has installed its signal handlers and says it runs."""
        try:
            wait_until(
                lambda: self.process.poll() is not None or READY in self.log(),
                timeout,
                "the worker runs",
            )
        except AssertionError as e:
            raise AssertionError(f"{e}; its output:\n{self.log()}") from None
        assert self.process.poll() is None, self.log()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._file.close()

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code (bounded wait)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=30)
            self._file.close()


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        # Given a few thousand events that no worker has followed yet
        note_storm(services, clock, tickets=60, notes=100)
        yield services


@pytest.fixture
def start_worker(settings: Settings, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Starts workers that follow the log; none outlives the test."""
    started: list[Worker] = []

    def start() -> Worker:
        started.append(Worker(settings, tmp_path / "worker.log"))
        started[-1].wait_until_running()
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def behind(services: Services) -> int:
    """The lowest tracked position of all projections."""
    return min(positions(services).values())


def wait_for_progress(services: Services, worker: Worker, since: int) -> None:
    wait_until(
        lambda: behind(services) > since or worker.process.poll() is not None,
        CATCH_UP_SECONDS,
        f"the worker commits a batch past {since}",
    )
    assert worker.process.poll() is None, worker.log()


def wait_for_head(services: Services, worker: Worker) -> list[int]:
    """Polls until every projection is at the head; answers the positions seen."""
    head = services.log.head()
    seen: list[int] = []

    def at_head() -> bool:
        seen.append(behind(services))
        return seen[-1] == head or worker.process.poll() is not None

    wait_until(at_head, CATCH_UP_SECONDS, f"the worker reaches the head {head}")
    assert seen[-1] == head, worker.log()
    return seen


def assert_rows_are_what_the_log_says(services: Services) -> None:
    events = logged(services)
    runner = small_runner(services, batch=500)
    for projection in PROJECTIONS:
        rows = live(services, projection)
        assert rows == replayed(projection, events), projection.name
        rebuild(runner, projection)
        assert live(services, projection) == rows, projection.name


def test_a_worker_killed_again_and_again_during_catch_up_ends_like_a_rebuild(
    services: Services, start_worker: Callable[[], Worker]
):
    chance = random.Random(SEED)
    head = services.log.head()
    assert head > 6000
    seen = [behind(services)]

    # Killed at a random moment after each batch it commits, four times over
    for _ in range(4):
        worker = start_worker()
        wait_for_progress(services, worker, since=seen[-1])
        time.sleep(chance.uniform(0.0, 0.05))
        worker.kill()
        seen.append(behind(services))

    # Restarted once more, it catches up and stops cleanly
    worker = start_worker()
    seen += wait_for_head(services, worker)
    assert worker.terminate() == 0, worker.log()

    # Then no position went backwards, and the rows are what the log says
    assert seen == sorted(seen), "a tracked position went backwards"
    assert seen[1] < head, "the first kill did not land during the catch-up"
    assert_rows_are_what_the_log_says(services)


def test_sigterm_stops_the_worker_cleanly_and_a_restart_resumes_where_it_stopped(
    services: Services, start_worker: Callable[[], Worker]
):
    # Stopped with SIGTERM during its catch-up, it exits 0
    worker = start_worker()
    wait_for_progress(services, worker, since=0)
    assert worker.terminate() == 0, worker.log()
    stopped = positions(services)
    generations = {p.name: services.views.live(p.name) for p in PROJECTIONS}

    # Restarted, it resumes from the tracked positions: same generations, never behind
    worker = start_worker()
    seen = wait_for_head(services, worker)
    assert {p.name: services.views.live(p.name) for p in PROJECTIONS} == generations
    assert seen == sorted(seen)
    assert seen[0] >= min(stopped.values())

    # Stopped again while idle, it exits 0 as well
    assert worker.terminate() == 0, worker.log()
    assert "signal 15" in worker.log()
    assert_rows_are_what_the_log_says(services)
