"""`ticketing worker mail-in` as a process of its own, on each store, killed with SIGKILL
in the middle of a batch of 200 stored messages: after a restart every message is a
ticket exactly once (one customer, one ticket, one recorded mail each)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from uuid import UUID

from domain.ticket import Ticket
from wiring.config import Settings
from wiring.views import open_views
from workers import mail_store

from ..conftest import FakeClock
from .mail_helpers import message
from .worker_helpers import opened

ROOT = Path(__file__).resolve().parents[2]
COUNT = 200


def start(settings: Settings, output: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TICKETING_DATABASE_URL=settings.database_url)
    env.pop("TICKETING_EMBEDDED_WORKERS", None)
    env.pop("TICKETING_MAIL_IN_LISTEN", None)
    with output.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "ticketing.cli", "worker", "mail-in"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def settled(settings: Settings) -> int:
    views = open_views(settings)
    try:
        return sum(s != "stored" for s in mail_store.states(views).values())
    finally:
        views.close()


def wait_for(settings: Settings, at_least: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while settled(settings) < at_least:
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_settles_every_message_once_after_a_restart(
    settings: Settings, clock: FakeClock, tmp_path: Path
):
    log = tmp_path / "mail-in.log"
    with opened(settings, clock) as services:
        for n in range(COUNT):
            raw = message(
                f"Customer {n} <customer-{n}@customer.example>",
                f"Request {n}",
                f"Help with thing {n}.",
                f"<request-{n}@customer.example>",
            )
            mail_store.store(services.views, raw, clock())

    worker = start(settings, log)
    try:
        wait_for(settings, 20, 120, log)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert settled(settings) < COUNT, "the worker finished before it could be killed"

    restarted = start(settings, log)
    try:
        wait_for(settings, COUNT, 300, log)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=60)

    with opened(settings, clock) as services:
        states = mail_store.states(services.views)
        assert Counter(states.values()) == {"done": COUNT}
        recorder = services.helpdesk.recorder
        topics = Counter(
            n.topic.rsplit(".", 1)[-1]
            for n in recorder.select_notifications(start=1, limit=1_000_000)
        )
        assert topics["Created"] == COUNT  # the tickets' Created events
        assert topics["MailReceived"] == COUNT
        assert topics["Registered"] == COUNT
        with services.views.read() as c:
            tickets = {r[0] for r in c.execute("SELECT ticket_id FROM mail_inbound").fetchall()}
        assert len(tickets) == COUNT
        for ticket_id in list(tickets)[:5]:
            events = services.helpdesk.events.get(UUID(str(ticket_id)))
            assert sum(isinstance(e, Ticket.MailReceived) for e in events) == 1
