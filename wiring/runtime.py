"""The running part of a process: the workers' threads, what wakes them, leadership of
the single-active workers, and an orderly stop."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from aiosmtpd.controller import Controller
from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder

from workers.assigner import Assigner
from workers.autoclose import AutoCloser
from workers.leader import AdvisoryLeader
from workers.mail_in import MailIn
from workers.mail_listener import listener
from workers.notifier import Notifier
from workers.projections import ProjectionRunner
from workers.recent import RecentLog
from workers.sla import SLAWorker, every_second
from workers.wakeup import start_listener

from .event_store import postgres_conninfo
from .services import Services
from .views import PROJECTIONS

SLA_LOCK = 7_305_002
ASSIGNER_LOCK = 7_305_003
NOTIFIER_LOCK = 7_305_004
MAIL_IN_LOCK = 7_305_005
"""Advisory lock keys of the single-active workers."""
WORKERS = ("projections", "sla", "notifier", "assigner", "mail-in")


class Runtime:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self._wakes = [self.wake]
        self._threads: list[threading.Thread] = []
        self._closers: list[Callable[[], None]] = []
        self._after_batch: list[Callable[[], None]] = []
        services.helpdesk.on_saved.append(self.wake_all)

    def wake_all(self) -> None:
        """The log grew: every follower in this process looks at it now."""
        for wake in self._wakes:
            wake.set()

    def _new_wake(self) -> threading.Event:
        wake = threading.Event()
        self._wakes.append(wake)
        return wake

    def projection_runner(self) -> ProjectionRunner:
        helpdesk = self.services.helpdesk
        return ProjectionRunner(
            helpdesk.recorder, helpdesk.mapper, self.services.views, PROJECTIONS, self.wake
        )

    def sla_worker(self) -> SLAWorker:
        return SLAWorker(self.services.helpdesk, self.services.views, self.services.clock)

    def auto_closer(self) -> AutoCloser:
        return AutoCloser(self.services.helpdesk, self.services.views, self.services.clock)

    def assigner(self, recent: RecentLog | None = None) -> Assigner:
        s = self.services
        return Assigner(s.helpdesk, s.views, s.clock, **self._follows(recent))

    def notifier(self, recent: RecentLog | None = None) -> Notifier:
        s = self.services
        return Notifier(
            s.helpdesk,
            s.views,
            s.clock,
            s.settings.smtp_url,
            s.settings.mail_address,
            s.settings.mail_name,
            blobs=s.blobs,
            **self._follows(recent),
        )

    def _follows(self, recent: RecentLog | None) -> dict[str, Any]:
        """How a follower learns of new events: beside this process's projection runner,
        from the batches it applied (read once, and woken once they are applied: what
        the follower consults then already shows them); alone, from the log."""
        if recent is None:
            return {"wake": self._new_wake()}
        wake = threading.Event()
        self._after_batch.append(wake.set)
        return {"wake": wake, "recent": recent}

    def _batch_applied(
        self, after: int, found: Sequence[Notification], events: list[tuple[int, Any]]
    ) -> None:
        for applied in self._after_batch:
            applied()

    def mail_in(self) -> MailIn:
        s = self.services
        return MailIn(
            s.helpdesk,
            s.views,
            s.clock,
            wake=self._new_wake(),
            department_for=s.helpdesk.department_for_address,
            blobs=s.blobs,
        )

    def mail_listener(self) -> Controller:
        """The inbound SMTP listener on `TICKETING_MAIL_IN_LISTEN`; what it stores wakes
        this process's mail-in worker."""
        s = self.services
        host, port = s.settings.mail_in_address()
        return listener(s.views, s.clock, host, port, s.settings.mail_max_bytes, self.wake_all)

    def worker_jobs(self, name: str) -> list[Callable[[], None]]:
        """The long-running loops of a worker (`all`: every one), each to run in a thread.
        Single-active workers take part only while they hold their leadership."""
        jobs: list[Callable[[], None]] = []
        stop = self.stopping
        recent = None
        if name in ("projections", "all"):
            runner = self.projection_runner()
            jobs.append(lambda: runner.run(stop))
            if name == "all":
                recent = RecentLog(runner.recorder, runner.mapper)
                runner.on_applied += [recent.add, self._batch_applied]
        if name in ("sla", "all"):
            sla, closer, lead = self.sla_worker(), self.auto_closer(), self.leader(SLA_LOCK)
            jobs.append(lambda: every_second(stop, lead, sla.tick, closer.tick))
        if name in ("assigner", "all"):
            assigner, lead_a = self.assigner(recent), self.leader(ASSIGNER_LOCK)
            jobs.append(lambda: assigner.run(stop, lead_a))
        if name in ("notifier", "all"):
            notifier, lead_n = self.notifier(recent), self.leader(NOTIFIER_LOCK)
            jobs.append(lambda: notifier.run(stop, lead_n))
        if name in ("mail-in", "all"):
            mail_in, lead_m = self.mail_in(), self.leader(MAIL_IN_LOCK)
            jobs.append(lambda: mail_in.run(stop, lead_m))
            if self.services.settings.mail_in_listen:
                jobs.append(self._listening(self.mail_listener()))
        return jobs

    def _listening(self, controller: Controller) -> Callable[[], None]:
        """A job that runs the listener until the process stops. The port is bound
        here, in the caller, so a port in use fails the start rather than a thread."""
        controller.start()

        def job() -> None:
            self.stopping.wait()
            controller.stop()

        return job

    def leader(self, key: int) -> Callable[[], bool]:
        """Leadership for a single-active worker: an advisory lock on PostgreSQL; in the
        embedded mode there is only this process."""
        if self.services.settings.is_sqlite:
            return lambda: True
        leader = AdvisoryLeader(postgres_conninfo(self.services.settings), key)
        self._closers.append(leader.close)
        return leader

    def start_workers(self) -> None:
        """Runs the projections and every worker in this process (the embedded mode)."""
        self.projection_runner().start()
        for n, job in enumerate(self.worker_jobs("all")):
            self.spawn(f"worker-{n}", job)

    def listen_to_log(self) -> None:
        """On PostgreSQL, wake the followers on every insert, from any process."""
        recorder = self.services.helpdesk.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            self._threads.append(
                start_listener(
                    postgres_conninfo(self.services.settings),
                    recorder.channel_name,
                    self.wake_all,
                    self.stopping,
                )
            )

    def spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Lets every thread finish the batch in hand, then releases leadership; a
        second call does nothing."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.wake_all()
        for thread in self._threads:
            thread.join(timeout=10)
        for close in self._closers:
            close()

    def close(self) -> None:
        self.stop()
        self.services.close()
