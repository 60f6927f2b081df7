"""The log's one-round-trip insert on PostgreSQL: still serialized, so a follower reading
positions as they appear never passes over one that is filled in later; a taken
(aggregate, version) still fails alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.application import HelpDesk
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.group_commit import GroupCommit
from wiring.migrate import migrate
from wiring.postgres_log import OneTripRecorder

from ..conftest import FakeClock
from .conftest import AGENT, intent, open_ticket

pytestmark = pytest.mark.postgres
WRITERS, REPLIES = 8, 15


@pytest.fixture
def pg_helpdesk(postgres_url: str) -> Iterator[HelpDesk]:
    settings = Settings(database_url=postgres_url)
    migrate(settings)
    app = open_helpdesk(settings)
    try:
        yield app
    finally:
        app.close()


def test_the_log_is_written_by_the_one_trip_recorder(pg_helpdesk: HelpDesk):
    assert isinstance(pg_helpdesk.recorder, OneTripRecorder)


def test_a_follower_reading_while_many_write_never_skips_a_position(
    pg_helpdesk: HelpDesk, clock: FakeClock
):
    tickets = [open_ticket(pg_helpdesk, clock).aggregate_id for _ in range(WRITERS)]  # type: ignore[attr-defined]
    seen: list[int] = []
    done = threading.Event()

    def follow() -> None:
        position = pg_helpdesk.recorder.max_notification_id() or 0
        while True:
            finished = done.is_set()
            batch = pg_helpdesk.recorder.select_notifications(position + 1, 100)
            seen.extend(n.id for n in batch)
            position = batch[-1].id if batch else position
            if finished and not batch:
                return

    def write(ticket_id: object) -> None:
        for i in range(REPLIES):
            pg_helpdesk.reply(ticket_id, f"reply {i}", intent(AGENT, clock))  # type: ignore[arg-type]

    start = pg_helpdesk.recorder.max_notification_id() or 0
    follower = threading.Thread(target=follow)
    follower.start()
    writers = [threading.Thread(target=write, args=(t,)) for t in tickets]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    follower.join()

    logged = [n.id for n in pg_helpdesk.recorder.select_notifications(start + 1, 10_000)]
    assert len(logged) == WRITERS * REPLIES
    assert seen == logged


def test_a_taken_version_fails_the_whole_insert(pg_helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(pg_helpdesk, clock).aggregate_id  # type: ignore[attr-defined]
    stale = pg_helpdesk.repository.get(ticket_id)
    pg_helpdesk.reply(ticket_id, "first", intent(AGENT, clock))
    stale.reply(uuid4(), "late", intent(AGENT, clock).origin)
    with pytest.raises(IntegrityError):
        pg_helpdesk.save(stale)
    assert [e.originator_version for e in pg_helpdesk.events.get(ticket_id)] == [1, 2]


def _stored(helpdesk: HelpDesk, aggregate: object) -> list[StoredEvent]:
    events = aggregate.collect_events()  # type: ignore[attr-defined]
    return [helpdesk.mapper.to_stored_event(e) for e in events]


def test_saves_arriving_together_share_a_commit_and_a_conflict_fails_alone(
    pg_helpdesk: HelpDesk, clock: FakeClock
):
    recorder = pg_helpdesk.recorder
    assert isinstance(recorder, OneTripRecorder)
    statements: list[int] = []

    def counted(events: Sequence[StoredEvent]) -> list[int]:
        statements.append(len(events))
        return recorder._insert_now(events)

    group = GroupCommit(counted)
    tickets = [open_ticket(pg_helpdesk, clock).aggregate_id for _ in range(WRITERS)]  # type: ignore[attr-defined]
    saves = []
    for ticket_id in tickets:
        ticket = pg_helpdesk.repository.get(ticket_id)
        ticket.reply(uuid4(), "together", intent(AGENT, clock).origin)
        saves.append(_stored(pg_helpdesk, ticket))
    rival = pg_helpdesk.repository.get(tickets[0])  # also version 2 of the first ticket
    rival.reply(uuid4(), "rival", intent(AGENT, clock).origin)
    saves.append(_stored(pg_helpdesk, rival))
    results: list[object] = [None] * len(saves)
    barrier = threading.Barrier(len(saves))

    def save(i: int) -> None:
        barrier.wait()
        try:
            results[i] = group.insert(saves[i])
        except IntegrityError as e:
            results[i] = e

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(saves))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    failed = [r for r in results if isinstance(r, IntegrityError)]
    assert len(failed) == 1
    assert isinstance(results[1], list)  # the others each have their own position
    positions = sorted(p for r in results if isinstance(r, list) for p in r)
    assert len(positions) == WRITERS == len(set(positions))
    assert max(statements) > 1  # saves arriving together went in one statement
    for ticket_id in tickets:
        assert [e.originator_version for e in pg_helpdesk.events.get(ticket_id)] == [1, 2]
