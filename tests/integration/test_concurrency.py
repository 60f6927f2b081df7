"""Concurrent commands on one ticket on PostgreSQL: none lost, stale versions refused."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from domain.application import HelpDesk
from domain.errors import StaleVersion
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.migrate import migrate

from ..conftest import FakeClock
from .conftest import AGENT, intent, open_ticket


@pytest.fixture
def pg_helpdesk(postgres_url: str) -> Any:
    settings = Settings(database_url=postgres_url)
    migrate(settings)
    app = open_helpdesk(settings)
    yield app
    app.close()


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Runs n calls at once (released by a barrier) and returns each result or error."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as e:  # the test inspects every outcome
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_forty_concurrent_replies_are_all_recorded(pg_helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(pg_helpdesk, clock).aggregate_id

    results = _together(
        40, lambda i: pg_helpdesk.reply(ticket_id, f"reply {i}", intent(AGENT, clock))
    )

    assert not [r for r in results if isinstance(r, Exception)]
    events = list(pg_helpdesk.events.get(ticket_id))
    assert [e.originator_version for e in events] == list(range(1, 42))
    bodies = {e.body for e in events[1:]}
    assert bodies == {f"reply {i}" for i in range(40)}


def test_twenty_commands_with_one_if_match_let_exactly_one_win(
    pg_helpdesk: HelpDesk, clock: FakeClock
):
    ticket_id = open_ticket(pg_helpdesk, clock).aggregate_id

    results = _together(
        20,
        lambda i: pg_helpdesk.reply(
            ticket_id, f"reply {i}", intent(AGENT, clock, expected_version=1)
        ),
    )

    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert sum(1 for r in results if isinstance(r, StaleVersion)) == 19
    assert pg_helpdesk.ticket(ticket_id, AGENT).version == 2


def test_many_processes_migrating_at_once_all_succeed(postgres_url: str):
    env = {"TICKETING_DATABASE_URL": postgres_url, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "ticketing.cli", "migrate"]
    starts = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(12)
    ]
    outcomes = [(p.wait(timeout=60), p.stderr.read().decode() if p.stderr else "") for p in starts]
    assert [code for code, _ in outcomes] == [0] * 12, outcomes


def test_sqlite_store_serialises_concurrent_replies(sqlite_url: str, clock: FakeClock):
    settings = Settings(database_url=sqlite_url)
    migrate(settings)
    app = open_helpdesk(settings)
    try:
        ticket_id = open_ticket(app, clock).aggregate_id
        results = _together(10, lambda i: app.reply(ticket_id, f"r{i}", intent(AGENT, clock)))
        assert not [r for r in results if isinstance(r, Exception)]
        assert app.ticket(ticket_id, AGENT).version == 11
    finally:
        app.close()
