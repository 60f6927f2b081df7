"""The SLA clock worker on real stores: a restarted worker catches up on what fell due
while none ran, two workers racing on one ticket record each breach once, and on
PostgreSQL only one of several holds the leadership, which passes on when it quits.

The plan is round the clock: first response in 60 minutes, resolution in 480. The
fixture clock starts on Monday 2026-03-02 at 09:00 UTC.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.organisation import AssignMode
from domain.pipeline import Intent
from domain.values import Actor, Origin, Role
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import SLA_LOCK, Runtime
from wiring.services import Services, build_services

from ..builders import STANDARD_TERMS
from ..conftest import FakeClock

ADMIN = Actor(uuid4(), Role.ADMIN)
CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
STANDARD = STANDARD_TERMS

Build = Callable[[], Services]


@pytest.fixture
def build(settings: Settings, clock: FakeClock) -> Iterator[Build]:
    """Builds Services on the test's store as a process would, closing them at the end."""
    settings = replace(settings, embedded_workers=False)
    migrate(settings)
    opened: list[Services] = []

    def services() -> Services:
        opened.append(build_services(settings, clock=clock))
        return opened[-1]

    yield services
    for each in opened:
        each.close()


@pytest.fixture
def pg_settings(postgres_url: str) -> Settings:
    return Settings(database_url=postgres_url)


def now(actor: Actor, clock: FakeClock) -> Intent:
    return Intent(Origin(actor, clock(), uuid4(), uuid4()))


def ticket_under_plan(services: Services, clock: FakeClock) -> UUID:
    """A customer's ticket in the default department, whose plan is STANDARD."""
    helpdesk = services.helpdesk
    plan = helpdesk.define_plan("Standard", STANDARD, now(ADMIN, clock))
    helpdesk.define_department(
        "IT Support", plan.aggregate_id, AssignMode.NONE, 7, 14, now(ADMIN, clock)
    )
    return helpdesk.open_ticket(
        subject="VPN down",
        body="Help.",
        priority=None,
        customer_id=None,
        department_id=None,
        help_topic_id=None,
        intent=now(CUSTOMER, clock),
    ).aggregate_id


def catch_up(services: Services) -> None:
    runner = Runtime(services).projection_runner()
    runner.start()
    while runner.step():
        pass


def recorded(services: Services, ticket_id: UUID, kind: str) -> list[Any]:
    return [e for e in services.helpdesk.events.get(ticket_id) if type(e).__name__ == kind]


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Runs the calls at once from threads released by one barrier; answers each result."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as e:  # the test inspects every outcome
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether the check passes within `seconds`: the server frees a closed session's
    advisory locks a moment after the client hangs up, not at once."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_restarted_worker_records_the_breach_that_fell_due_while_none_ran(
    build: Build, clock: FakeClock
) -> None:
    first = build()
    ticket_id = ticket_under_plan(first, clock)
    catch_up(first)
    clock.advance(minutes=30)
    assert Runtime(first).sla_worker().tick() == 0
    first.close()
    # No worker runs from 09:30 to 10:30, past the first response due at 10:00.
    clock.advance(hours=1)
    second = build()
    catch_up(second)
    assert Runtime(second).sla_worker().tick() == 1
    (breached,) = recorded(second, ticket_id, "SLABreached")
    assert breached.target == "first_response"
    assert breached.timestamp == clock()
    assert breached.actor_role is Role.SYSTEM


def test_a_worker_restarted_after_the_breach_records_it_no_second_time(
    build: Build, clock: FakeClock
) -> None:
    first = build()
    ticket_id = ticket_under_plan(first, clock)
    catch_up(first)
    clock.advance(minutes=61)
    Runtime(first).sla_worker().tick()
    first.close()
    second = build()
    catch_up(second)
    Runtime(second).sla_worker().tick()
    assert len(recorded(second, ticket_id, "SLABreached")) == 1


def test_two_workers_ticking_at_once_record_each_breach_once(
    build: Build, clock: FakeClock
) -> None:
    one, other = build(), build()
    ticket_id = ticket_under_plan(one, clock)
    catch_up(one)
    # 17:01: both the first response (10:00) and the resolution (17:00) are overdue.
    clock.advance(hours=8, minutes=1)
    workers = [Runtime(one).sla_worker(), Runtime(other).sla_worker()]
    assert together([w.tick for w in workers]) == [1, 1]
    for _ in range(3):
        assert not [r for r in together([w.tick for w in workers]) if isinstance(r, Exception)]
    breaches = recorded(one, ticket_id, "SLABreached")
    assert sorted(b.target for b in breaches) == ["first_response", "resolution"]
    catch_up(one)
    assert Runtime(one).sla_worker().tick() == 0


@pytest.mark.postgres
def test_only_one_of_two_processes_leads_the_sla_worker(
    pg_settings: Settings, clock: FakeClock
) -> None:
    migrate(pg_settings)
    one = Runtime(build_services(pg_settings, clock))
    other = Runtime(build_services(pg_settings, clock))
    try:
        leaders = [one.leader(SLA_LOCK), other.leader(SLA_LOCK)]
        answers = together(leaders)
        assert sorted(answers) == [False, True]
        leader = answers.index(True)
        # The leader keeps leading and the standby keeps waiting, until the leader quits.
        assert [lead() for lead in leaders] == answers
        (one, other)[leader].close()
        assert eventually(leaders[1 - leader])
    finally:
        for runtime in (one, other):
            runtime.close()


@pytest.mark.postgres
def test_the_leadership_passes_on_when_the_leaders_lock_is_closed(
    pg_settings: Settings, clock: FakeClock
) -> None:
    migrate(pg_settings)
    one = Runtime(build_services(pg_settings, clock))
    other = Runtime(build_services(pg_settings, clock))
    try:
        leading, waiting = one.leader(SLA_LOCK), other.leader(SLA_LOCK)
        assert (leading(), waiting()) == (True, False)
        assert waiting() is False
        leading.close()  # type: ignore[attr-defined]
        assert eventually(waiting)
        assert leading() is False
    finally:
        one.close()
        other.close()


@pytest.mark.postgres
def test_another_lock_key_does_not_contend_for_the_sla_leadership(
    pg_settings: Settings, clock: FakeClock
) -> None:
    migrate(pg_settings)
    one = Runtime(build_services(pg_settings, clock))
    other = Runtime(build_services(pg_settings, clock))
    try:
        assert one.leader(SLA_LOCK)() is True
        assert other.leader(SLA_LOCK + 1)() is True
    finally:
        one.close()
        other.close()
