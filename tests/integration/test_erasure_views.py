"""Erasing a customer, as the read models see it, on both stores: every projection built
live equals its rebuild from the log once the key is gone, the reports do not move, and
after a scrub no read model's file (SQLite) or row (PostgreSQL) holds the erased text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from domain.personal import ERASED
from domain.values import Actor, Attachment, Role, Status
from projections import postgres_views
from projections.queue.handlers import QueueProjection
from projections.queue.queries import QueueQuery, TicketSearch, page, search
from projections.reports.handlers import ReportsProjection
from projections.sqlite_views import SQLiteViews
from projections.timers.handlers import TimersProjection
from projections.view_store import NotScrubbed
from projections.words import WORD_MAX
from wiring.config import Settings
from wiring.event_store import postgres_conninfo
from wiring.services import Services
from wiring.views import PROJECTIONS
from workers.projections import ProjectionRunner, rebuild_all

from ..conftest import FakeClock
from .projection_helpers import (
    SUPERVISOR,
    catch_up,
    live,
    logged,
    opened,
    register,
    replayed,
    said,
    small_runner,
)

ADMIN = Actor(uuid4(), Role.ADMIN)
NAME = "Ottoline Quibblethwaite"
EMAIL = "ottoline.zephyrgrove@quillmarsh.example"
TEXTS = {
    "subject": "Marmalade Vexillarium turbine",
    "second subject": "Snorkelwhistle Grommetbury outage",
    "body": "The Xylophonic capacitor hums",
    "second body": "Bumblewarden lights flicker",
    "customer reply": "Flibbertigibbet invoice attached",
    "agent reply": "Kerfuffleometer recalibrated",
    "note": "Whippersnapper backstage",
    "filename": "Quagmirevault-statement.pdf",
    "resolution": "Replaced the Bumbershooter",
    "review": "Splendiferous Gazebomancy",
    "reopen": "Zigzagulation returned",
}
CONTROL = "Unerasedcontrolword"
"""The subject of another customer's ticket: found, so that the search finds what is there."""


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


def distinctive() -> list[str]:
    """Every erased text, and each of its long words as typed and case-folded."""
    words = {w for text in [NAME, EMAIL, *TEXTS.values()] for w in text.split() if len(w) >= 10}
    return sorted({NAME, EMAIL, *TEXTS.values(), *words, *(w.casefold() for w in words)})


def hex_suffixes(word: str) -> list[str]:
    """How the word index holds a word: the hex of each of its suffixes (`words.tokens`).
    A text index stores a token after the prefix it shares with the one before it, so
    each suffix of six characters or more is looked for, not only whole tokens."""
    folded = word.casefold()[:WORD_MAX]
    return [folded[i:].encode().hex() for i in range(len(folded) - 5)]


def a_customer_with_two_tickets(services: Services, clock: FakeClock) -> tuple[UUID, list[UUID]]:
    """Replies both ways, a note, an attachment, a resolution, a review and a reopening,
    all in distinctive words; and another customer's ticket beside them."""
    desk = services.helpdesk
    registered = desk.register_person(
        name=NAME, email=EMAIL, role=Role.CUSTOMER, department_ids=[], intent=said(ADMIN, clock)
    )
    customer = Actor(registered.outcome.aggregate_id, Role.CUSTOMER)
    agent = Actor(register(services, clock, Role.AGENT), Role.AGENT)
    tickets = [
        _opened(services, clock, customer, TEXTS["subject"], TEXTS["body"]),
        _opened(services, clock, customer, TEXTS["second subject"], TEXTS["second body"]),
    ]
    first, second = tickets
    _opened(services, clock, Actor(uuid4(), Role.CUSTOMER), CONTROL, "Nothing to erase.")
    for ticket in tickets:
        desk.assign(ticket, agent.id, said(SUPERVISOR, clock))
    file = _stored(services, TEXTS["filename"])
    desk.upload(first, [file], said(agent, clock))
    desk.reply(first, TEXTS["agent reply"], said(agent, clock), attachment_ids=[file.id])
    desk.reply(first, TEXTS["customer reply"], said(customer, clock))
    desk.add_note(first, TEXTS["note"], said(agent, clock))
    desk.resolve(first, TEXTS["resolution"], said(agent, clock))
    desk.review(first, 5, TEXTS["review"], said(customer, clock))
    desk.change_status(second, Status.AWAITING_CUSTOMER, said(agent, clock))
    desk.resolve(second, TEXTS["resolution"], said(agent, clock))
    desk.reopen(second, TEXTS["reopen"], said(customer, clock))
    return customer.id, tickets


def _opened(services: Services, clock: FakeClock, customer: Actor, subject: str, body: str) -> UUID:
    outcome = services.helpdesk.open_ticket(
        subject=subject,
        body=body,
        priority=None,
        customer_id=None,
        department_id=None,
        help_topic_id=None,
        intent=said(customer, clock),
    )
    return outcome.aggregate_id


def _stored(services: Services, filename: str) -> Attachment:
    spool = services.blobs.spool()
    try:
        spool.write(b"%PDF-1.4 statement")
        services.blobs.keep(spool)
    finally:
        spool.close()
    return Attachment(uuid4(), spool.sha256, filename, "application/pdf", spool.size)


def erased(services: Services, clock: FakeClock, customer_id: UUID, tickets: list[UUID]) -> None:
    """What the erase service does in the log: the key destroyed, then `Erased` recorded."""
    keys: Any = services.helpdesk.keys  # type: ignore[attr-defined]
    keys.destroy(customer_id)
    for ticket in tickets:
        services.helpdesk.erase_ticket(ticket, said(ADMIN, clock))
    services.helpdesk.erase_person(customer_id, said(ADMIN, clock))


def everything_live(services: Services) -> dict[str, Any]:
    return {p.name: live(services, p) for p in PROJECTIONS}


def followed(services: Services) -> ProjectionRunner:
    runner = small_runner(services)
    runner.start()
    catch_up(runner)
    return runner


def test_erased_rows_built_live_are_the_rows_a_rebuild_makes(
    services: Services, clock: FakeClock
) -> None:
    # Given a customer's tickets worked through, projected live as they happened
    customer_id, tickets = a_customer_with_two_tickets(services, clock)
    runner = followed(services)
    reports, timers = live(services, ReportsProjection), live(services, TimersProjection)
    queue_before = live(services, QueueProjection)
    worked = clock.now

    # When the customer is erased and the erasure projected
    erased(services, clock, customer_id, tickets)
    catch_up(runner)
    built_live = everything_live(services)

    # Then the reports and timers have not moved, nor any queue row's activity
    assert live(services, ReportsProjection) == reports
    assert live(services, TimersProjection) == timers
    queue_after = live(services, QueueProjection)
    before_rows = queue_before["view_queue"]
    for key, row in queue_after["view_queue"].items():
        assert row["last_activity_at"] == before_rows[key]["last_activity_at"]
    # and the queue as it was before the erasure shows the subjects erased too
    shown = page(services.views, QueueQuery(statuses=tuple(Status)), clock.now, as_of=worked)[0]
    subjects = {UUID(item["ticket_id"]): item["subject"] for item in shown}
    assert {subjects[t] for t in tickets} == {ERASED}
    assert CONTROL in subjects.values()
    # and text search finds the tickets by none of their words, only as erased
    for word in ("Vexillarium", "kerfuffleometer", "Quagmirevault"):
        assert search(services.views, TicketSearch(text=word), clock.now)[0] == [], word
    found = search(services.views, TicketSearch(text=ERASED), clock.now)[0]
    assert {UUID(item["ticket_id"]) for item in found} == set(tickets)
    # and every read model equals its replay of the log (in memory, then rebuilt in place)
    events = logged(services)
    for projection in PROJECTIONS:
        assert replayed(projection, events) == built_live[projection.name], projection.name
    rebuild_all(runner, PROJECTIONS)
    assert everything_live(services) == built_live


def test_after_a_scrub_no_read_model_holds_the_erased_text(
    services: Services, clock: FakeClock, settings: Settings
) -> None:
    # Given a customer's tickets projected live and rebuilt (the replaced generations kept),
    # then erased and the erasure projected
    customer_id, tickets = a_customer_with_two_tickets(services, clock)
    runner = followed(services)
    rebuild_all(runner, PROJECTIONS)
    erased(services, clock, customer_id, tickets)
    catch_up(runner)

    # When the read models are scrubbed
    services.views.scrub(PROJECTIONS)

    # Then none of the erased text is anywhere, while the other customer's still is
    if isinstance(services.views, SQLiteViews):
        stored = _files(services.views.path)
        for text in distinctive():
            assert text.encode() not in stored, text
        for word in distinctive():
            for token in hex_suffixes(word):
                assert token.encode() not in stored, (word, token)
        assert CONTROL.encode() in stored
        assert any(t.encode() in stored for t in hex_suffixes(CONTROL))
    else:
        conninfo = postgres_conninfo(settings)
        rows = _every_row(conninfo)
        for text in distinctive():
            assert not any(text in row for row in rows), text
        for word in distinctive():
            token = hex_suffixes(word)[0]
            assert not any(token in row for row in rows), (word, token)
        assert any(CONTROL in row for row in rows)
        pages = _every_page(conninfo)
        for text in distinctive():
            assert text.encode() not in pages, text
        for word in distinctive():
            for token in hex_suffixes(word):
                assert token.encode() not in pages, (word, token)
        assert CONTROL.encode() in pages


def _files(path: Path) -> bytes:
    """The views file and its write-ahead log, as bytes on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _every_page(conninfo: str) -> bytes:
    """The raw pages of every read-model table, its TOAST and its indexes, as stored
    (dead row versions included), through `pageinspect`."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relations = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c"
            " JOIN pg_tables t ON t.tablename = c.relname AND t.schemaname = current_schema()"
            " WHERE c.relname LIKE 'view\\_%'"
            " UNION SELECT i.indexrelid::regclass::text FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname LIKE 'view\\_%'"
            " UNION SELECT c.reltoastrelid::regclass::text FROM pg_class c"
            " WHERE c.relname LIKE 'view\\_%' AND c.reltoastrelid <> 0"
        ).fetchall()
        found = bytearray()
        for (relation,) in relations:
            (size,) = conn.execute("SELECT pg_relation_size(%s::regclass)", [relation]).fetchone()
            for block in range(size // 8192):
                (page,) = conn.execute("SELECT get_raw_page(%s, %s)", [relation, block]).fetchone()
                found += page
        return bytes(found)


def _every_row(conninfo: str) -> list[str]:
    """Every row of every read-model table, as text."""
    with psycopg.connect(conninfo) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename LIKE 'view\\_%'"
        ).fetchall()
        assert tables
        return [
            str(row[0])
            for (table,) in tables
            for row in conn.execute(f"SELECT t::text FROM {table} AS t").fetchall()
        ]


@pytest.mark.postgres
def test_a_scrub_refuses_to_pass_a_transaction_older_than_it(
    postgres_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=postgres_url, admin_token="scrub")
    with opened(settings, clock) as services:
        followed(services)
        monkeypatch.setattr(postgres_views, "HORIZON_WAIT_SECONDS", 0.2)
        # While a writer that began before the scrub is still open, VACUUM would keep rows
        with psycopg.connect(postgres_conninfo(settings)) as older:
            older.execute("SELECT pg_current_xact_id()")
            with pytest.raises(NotScrubbed):
                services.views.scrub(PROJECTIONS)
        # and once it is done, the scrub goes through
        services.views.scrub(PROJECTIONS)
