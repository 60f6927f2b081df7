"""Live lag and the worker's cost per event, for `bench/projections.py`.

The workers run as in production: `ticketing worker all` in a process of its own (on
SQLite, where nothing wakes another process, in the benchmark's process). Replies
arrive at a steady rate from several threads; one monitor thread watches the queue
projection's position and stamps, for each reply, the time until it was processed.
The worker process's CPU time (from /proc) over the load, divided by the events
written meanwhile, is what the workers spend per event.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from uuid import uuid4

from domain.pipeline import Intent
from domain.values import Actor, Origin, Role
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services

ROOT = Path(__file__).resolve().parent.parent
CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
AGENT = Actor(uuid4(), Role.AGENT)


def origin(actor: Actor) -> Origin:
    return Origin(actor, datetime.now(UTC), uuid4(), uuid4())


class WorkerProcess:
    """`ticketing worker all` on the benchmark's database, with its CPU time from /proc."""

    def __init__(self, settings: Settings) -> None:
        self.log: TextIO = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        env = os.environ | {"TICKETING_DATABASE_URL": settings.database_url}
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/ticketing"), "worker", "all"],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def cpu_seconds(self) -> float:
        """User and system time of every thread of the process so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.seek(0)
        text = self.log.read()
        self.log.close()
        return text


@dataclass
class Watch:
    """Replies waiting to be seen by the queue projection, and the lags of those seen."""

    pending: list[tuple[int, float]] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saved(self, position: int, at: float) -> None:
        with self.lock:
            self.pending.append((position, at))

    def seen(self, position: int, at: float) -> None:
        with self.lock:
            left = []
            for p, saved in self.pending:
                if p <= position:
                    self.lags.append(at - saved)
                else:
                    left.append((p, saved))
            self.pending = left


@dataclass
class Load:
    commands: int
    seconds: float
    events: int
    lags: list[float]
    worker_cpu: float | None


def lag_under_load(services: Services, rate: float, seconds: float, threads: int) -> Load:
    """Replies at `rate` a second for `seconds`, from `threads` threads, with the workers
    running; answers the lags seen and the worker process's CPU time."""
    settings = services.settings
    embedded = Runtime(services) if settings.is_sqlite else None
    worker = None if embedded else WorkerProcess(settings)
    if embedded is not None:
        embedded.start_workers()
    helpdesk = services.helpdesk
    ticket_ids = [
        helpdesk.open_ticket(
            subject="Load",
            body="Load",
            priority=None,
            customer_id=None,
            department_id=None,
            help_topic_id=None,
            intent=Intent(origin(CUSTOMER)),
        ).aggregate_id
        for _ in range(threads)
    ]
    head = services.log.head()
    while services.views.position("queue") < head:  # the worker has caught up
        time.sleep(0.05)
    watch, stop = Watch(), threading.Event()
    sent = [0] * threads

    def work(n: int, ticket_id: uuid.UUID) -> None:
        interval, due = threads / rate, time.perf_counter() + n / rate
        while not stop.is_set():
            time.sleep(max(0.0, due - time.perf_counter()))
            due += interval
            outcome = helpdesk.reply(ticket_id, "Still there?", Intent(origin(AGENT)))
            watch.saved(outcome.position or 0, time.perf_counter())
            sent[n] += 1

    def monitor() -> None:
        while not stop.is_set() or watch.pending:
            watch.seen(services.views.position("queue"), time.perf_counter())
            time.sleep(0.002)

    cpu_before = worker.cpu_seconds() if worker else 0.0
    head, started = services.log.head(), time.perf_counter()
    loads = [threading.Thread(target=work, args=(n, t)) for n, t in enumerate(ticket_ids)]
    watcher = threading.Thread(target=monitor)
    for thread in (*loads, watcher):
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in loads:
        thread.join()
    took, events = time.perf_counter() - started, services.log.head() - head
    watcher.join(timeout=30)
    cpu = worker.cpu_seconds() - cpu_before if worker else None
    if worker is not None:
        worker.stop()
    if embedded is not None:
        embedded.stop()
    return Load(sum(sent), took, events, sorted(watch.lags), cpu)
