"""The projection runner on each real store: live rows equal the log replayed in memory
and a rebuild, batches apply exactly once, no event is skipped when commits finish out
of order, readers see a whole model during a rebuild, and a new schema version rebuilds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from domain.values import Actor, Role, Status
from projections.audit.handlers import EVENTS, AuditProjection
from projections.queue.handlers import TICKETS, QueueProjection
from projections.queue.queries import QueueQuery, QueueSort, page
from wiring.config import Settings
from wiring.event_store import postgres_conninfo
from wiring.runtime import Runtime
from wiring.services import Services
from wiring.views import PROJECTIONS
from workers.projections import ProjectionRunner, rebuild, relevant

from ..conftest import FakeClock
from .projection_helpers import (
    HeldSwap,
    HookedLog,
    an_agent,
    busy_desk,
    catch_up,
    insert_uncommitted_note,
    live,
    lock_waiters,
    logged,
    open_ticket,
    opened,
    positions,
    replayed,
    said,
    small_runner,
    wait_until,
)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


def test_live_rows_equal_the_log_replayed_in_memory_and_a_rebuild(
    services: Services, clock: FakeClock
):
    # Given a few hundred events of every kind, followed in batches of seven
    busy_desk(services, clock, tickets=30)
    runner = small_runner(services)
    runner.start()
    assert catch_up(runner) > 40

    # Then every read model is at the head and holds what the log says
    head = services.log.head()
    assert head > 300
    assert positions(services) == {p.name: head for p in PROJECTIONS}
    for projection in PROJECTIONS:
        rows = live(services, projection)
        assert rows == replayed(projection, logged(services))
        rebuild(runner, projection)
        assert live(services, projection) == rows


def test_a_runner_following_a_growing_log_ends_where_a_rebuild_ends(
    services: Services, clock: FakeClock
):
    runner = small_runner(services, batch=3)
    runner.start()
    # While tickets keep coming, the runner takes a step or two between them
    for n in range(12):
        busy_desk(services, clock, tickets=1)
        for _ in range(n % 3):
            runner.step()
    catch_up(runner)

    for projection in PROJECTIONS:
        rows = live(services, projection)
        assert rows == replayed(projection, logged(services))
        rebuild(runner, projection)
        assert live(services, projection) == rows


def test_a_batch_delivered_again_changes_nothing(services: Services, clock: FakeClock):
    busy_desk(services, clock, tickets=6)
    runner = small_runner(services)
    runner.start()
    catch_up(runner)
    events = logged(services)
    head = events[-1][0]

    for projection in PROJECTIONS:
        before, position = live(services, projection), services.views.position(projection.name)
        # The last batch, then the whole log, delivered again
        services.views.apply(projection, relevant(projection, events[-9:]), head)
        services.views.apply(projection, relevant(projection, events), head)
        assert live(services, projection) == before
        assert services.views.position(projection.name) == position == head


def test_a_batch_overlapping_the_tracked_position_applies_only_what_is_new(
    services: Services, clock: FakeClock
):
    busy_desk(services, clock, tickets=6)
    small_runner(services).start()
    events = logged(services)
    half, more = len(events) // 2, len(events) * 3 // 4
    tracked, last = events[half - 1][0], events[more - 1][0]

    for projection in PROJECTIONS:
        # Given the first half applied, when the log up to three quarters arrives again
        services.views.apply(projection, relevant(projection, events[:half]), tracked)
        services.views.apply(projection, relevant(projection, events[:more]), last)

        # Then the rows are those of the three quarters, each event applied once
        assert live(services, projection) == replayed(projection, events[:more])
        assert services.views.position(projection.name) == last


@pytest.mark.postgres
def test_a_follower_never_skips_an_event_whose_writer_commits_late(
    postgres_url: str, clock: FakeClock
):
    settings = Settings(database_url=postgres_url)
    with opened(settings, clock) as services:
        customer = Actor(uuid4(), Role.CUSTOMER)
        early = open_ticket(services, clock, customer)
        late = open_ticket(services, clock, customer)
        runner = small_runner(services)
        runner.start()
        catch_up(runner)
        head = services.log.head()

        with psycopg.connect(postgres_conninfo(settings)) as slow:
            # Writer A takes the next position under the store's lock and does not commit
            taken = insert_uncommitted_note(services, slow, early, clock)
            assert taken > head

            # Writer B saves through the application meanwhile, and queues behind A
            saved: list[Any] = []
            writer = threading.Thread(
                target=lambda: saved.append(
                    services.helpdesk.add_note(late, "B's note.", said(an_agent(), clock))
                )
            )
            writer.start()
            wait_until(lambda: lock_waiters(settings, services) == 1, 30, "B waits for A")

            # The follower steps while A's position is taken but not committed
            assert runner.step() is False
            assert positions(services) == {p.name: head for p in PROJECTIONS}
            slow.commit()
        writer.join(timeout=30)
        assert saved, "B's command did not finish"

        # Then the follower has both events, A's first
        catch_up(runner)
        assert saved[0].position > taken
        assert positions(services) == {p.name: services.log.head() for p in PROJECTIONS}
        audit = live(services, AuditProjection)[EVENTS.name]
        assert {(taken,), (saved[0].position,)} <= set(audit)
        for projection in PROJECTIONS:
            rows = live(services, projection)
            assert rows == replayed(projection, logged(services))
            rebuild(runner, projection)
            assert live(services, projection) == rows


def test_readers_see_the_whole_queue_throughout_a_rebuild(services: Services, clock: FakeClock):
    busy_desk(services, clock, tickets=40)
    runner = small_runner(services)
    runner.start()
    catch_up(runner)
    query = QueueQuery(statuses=tuple(Status), sort=QueueSort.CREATED, limit=200)
    before, _ = page(services.views, query, clock.now)
    assert len(before) == 40
    installed = services.views.live(QueueProjection.name)
    assert installed is not None
    generation, version = installed

    # While a reader reads the queue in a loop, the queue is rebuilt twice (the second
    # rebuild drops the generation the first one replaced)
    reads: list[bool] = []
    errors: list[BaseException] = []
    done, reading = threading.Event(), threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                items, _ = page(services.views, query, clock.now)
            except Exception as e:  # the test reports every failed read
                errors.append(e)
                return
            reads.append(items == before)
            reading.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert reading.wait(30), "the reader never read"
        rebuild(runner, QueueProjection)
        rebuild(runner, QueueProjection)
        swapped = len(reads)
        wait_until(lambda: len(reads) > swapped or bool(errors), 30, "a read after the swap")
    finally:
        done.set()
        reader.join(timeout=30)

    # Then every read saw every ticket, before and after each swap
    assert errors == []
    assert all(reads)
    assert services.views.live(QueueProjection.name) == (generation + 2, version)


def test_a_rebuild_that_swaps_while_the_live_runner_steps_skips_no_event(
    services: Services, clock: FakeClock
):
    desk, views = services.helpdesk, services.views
    busy_desk(services, clock, tickets=2)
    follower_log = HookedLog(desk.recorder)
    follower = ProjectionRunner(follower_log, desk.mapper, views, PROJECTIONS, batch=500)
    follower.start()
    catch_up(follower)

    # A rebuild fills the next generation up to the head, and is about to swap it in
    held = HeldSwap(views)
    rebuilder = ProjectionRunner(desk.recorder, desk.mapper, held, PROJECTIONS)  # type: ignore[arg-type]
    rebuilding = threading.Thread(target=rebuild, args=(rebuilder, QueueProjection))
    rebuilding.start()
    assert held.waiting.wait(timeout=60), "the rebuild never filled its generation"

    # Meanwhile the log grows, and the live runner follows it in the live generation
    busy_desk(services, clock, tickets=1)
    catch_up(follower)
    busy_desk(services, clock, tickets=1)

    # The swap lands after the live runner has read its position, before it reads the log
    def swap() -> None:
        held.let_go.set()
        rebuilding.join(timeout=30)

    follower_log.before_read = swap
    catch_up(follower)

    # Then the new generation is live, at the head, and holds every ticket of the log
    assert not rebuilding.is_alive()
    assert views.live(QueueProjection.name) == (2, QueueProjection.version)
    assert views.position(QueueProjection.name) == services.log.head()
    rows = live(services, QueueProjection)[TICKETS.name]
    expected = replayed(QueueProjection, logged(services))[TICKETS.name]
    assert sorted(rows) == sorted(expected), "tickets are missing from the queue"
    assert rows == expected


def test_a_new_schema_version_rebuilds_on_start(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    busy_desk(services, clock, tickets=8)
    runner = Runtime(services).projection_runner()
    runner.start()
    catch_up(runner)
    rows = live(services, QueueProjection)
    queue, audit = (services.views.live(p.name) for p in (QueueProjection, AuditProjection))
    assert queue is not None
    generation, version = queue

    # When the queue's handlers change meaning and the runner starts again
    monkeypatch.setattr(QueueProjection, "version", version + 1)
    runner.start()

    # Then a new generation is live, caught up, with the same rows; the audit log is kept
    assert services.views.live(QueueProjection.name) == (generation + 1, version + 1)
    assert services.views.position(QueueProjection.name) == services.log.head()
    assert live(services, QueueProjection) == rows
    assert services.views.live(AuditProjection.name) == audit

    # And the new generation follows the log from there
    busy_desk(services, clock, tickets=2)
    catch_up(runner)
    assert live(services, QueueProjection) == replayed(QueueProjection, logged(services))
