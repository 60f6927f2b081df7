"""The composition root: one place that builds the store, the application, the read
models and the workers; the API and each worker start from it, tests override pieces."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid5

from eventsourcing.postgres import PostgresApplicationRecorder

from domain.application import HelpDesk
from domain.tokens import hash_token
from domain.values import Actor, Role
from projections.view_store import ViewStore
from workers.assigner import Assigner
from workers.autoclose import AutoCloser
from workers.leader import AdvisoryLeader
from workers.notifier import Notifier
from workers.projections import ProjectionRunner
from workers.sla import SLAWorker, every_second
from workers.wakeup import start_listener

from .config import Settings
from .store import EventLog, open_helpdesk, postgres_conninfo
from .views import PROJECTIONS, open_views

SLA_LOCK = 7_305_002
ASSIGNER_LOCK = 7_305_003
NOTIFIER_LOCK = 7_305_004
"""Advisory lock keys of the single-active workers."""
BOOTSTRAP_ADMIN_ID = uuid5(UUID("3f1c8f0e-7c59-4a39-9d0c-5a1d8a6f2b10"), "bootstrap-admin")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    helpdesk: HelpDesk
    views: ViewStore
    clock: Callable[[], datetime] = utc_now
    log: EventLog = field(init=False)
    wake: threading.Event = field(default_factory=threading.Event)
    _wakes: list[threading.Event] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log = EventLog(self.helpdesk)
        token = self.settings.admin_token
        self._admin_hash = hash_token(token) if token else None
        self._wakes.append(self.wake)
        self.helpdesk.on_saved.append(self.wake_all)

    def wake_all(self) -> None:
        """The log grew: every follower in this process looks at it now."""
        for wake in self._wakes:
            wake.set()

    def _new_wake(self) -> threading.Event:
        wake = threading.Event()
        self._wakes.append(wake)
        return wake

    def authenticate(self, token: str) -> Actor | None:
        """The bootstrap admin's token is compared in constant time; others by their hash."""
        token_hash = hash_token(token)
        if self._admin_hash is not None and hmac.compare_digest(token_hash, self._admin_hash):
            return Actor(BOOTSTRAP_ADMIN_ID, Role.ADMIN)
        return self.helpdesk.authenticate(token, self.clock())

    def projection_runner(self) -> ProjectionRunner:
        return ProjectionRunner(
            self.helpdesk.recorder, self.helpdesk.mapper, self.views, PROJECTIONS, self.wake
        )

    def sla_worker(self) -> SLAWorker:
        return SLAWorker(self.helpdesk, self.views, self.clock)

    def auto_closer(self) -> AutoCloser:
        return AutoCloser(self.helpdesk, self.views, self.clock)

    def assigner(self) -> Assigner:
        return Assigner(self.helpdesk, self.views, self.clock, wake=self._new_wake())

    def notifier(self) -> Notifier:
        return Notifier(
            self.helpdesk, self.views, self.clock, self.settings.smtp_url, wake=self._new_wake()
        )

    def worker_jobs(self, name: str) -> list[Callable[[], None]]:
        """The long-running loops of a worker (`all`: every one), each to run in a thread.
        Single-active workers take part only while they hold their leadership."""
        jobs: list[Callable[[], None]] = []
        stop = self.stopping
        if name in ("projections", "all"):
            runner = self.projection_runner()
            jobs.append(lambda: runner.run(stop))
        if name in ("sla", "all"):
            sla, closer, lead = self.sla_worker(), self.auto_closer(), self.leader(SLA_LOCK)
            jobs.append(lambda: every_second(stop, lead, sla.tick, closer.tick))
        if name in ("assigner", "all"):
            assigner, lead_a = self.assigner(), self.leader(ASSIGNER_LOCK)
            jobs.append(lambda: assigner.run(stop, lead_a))
        if name in ("notifier", "all"):
            notifier, lead_n = self.notifier(), self.leader(NOTIFIER_LOCK)
            jobs.append(lambda: notifier.run(stop, lead_n))
        return jobs

    def leader(self, key: int) -> Callable[[], bool]:
        """Leadership for a single-active worker: an advisory lock on PostgreSQL; in the
        embedded mode there is only this process."""
        if self.settings.is_sqlite:
            return lambda: True
        leader = AdvisoryLeader(postgres_conninfo(self.settings), key)
        self._closers.append(leader.close)
        return leader

    def start_workers(self) -> None:
        """Runs the projections and every worker in this process (the embedded mode)."""
        self.projection_runner().start()
        for n, job in enumerate(self.worker_jobs("all")):
            self._spawn(f"worker-{n}", job)

    def listen_to_log(self) -> None:
        """On PostgreSQL, wake the followers on every insert, from any process."""
        recorder = self.helpdesk.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            self._threads.append(
                start_listener(
                    postgres_conninfo(self.settings),
                    recorder.channel_name,
                    self.wake_all,
                    self.stopping,
                )
            )

    def close(self) -> None:
        self.stopping.set()
        self.wake_all()
        for thread in self._threads:
            thread.join(timeout=10)
        for close in self._closers:
            close()
        self.views.close()
        self.helpdesk.close()

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)


def build_services(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> Services:
    settings = settings or Settings.from_environment()
    return Services(
        settings=settings,
        helpdesk=open_helpdesk(settings),
        views=open_views(settings),
        clock=clock,
    )
