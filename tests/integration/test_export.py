"""`ticketing events export` on a log of 100,000 events, on each store: every event once,
in log order, as JSON lines or as CSV, in memory that stays flat however long the log.

The tickets are built once in memory (1,000 tickets of 100 events, each message about a
kilobyte with quotes, commas and line breaks) and written to SQLite through the
application's save, ten tickets per transaction; to PostgreSQL in bulk (COPY of the same
stored events the save would insert), as the save takes some 30 s there. Each export runs
in a process of its own, started by a small measuring process so that its peak RSS is its
own (a child forked straight from this large test process would inherit its high-water mark).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql

from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status
from ticketing.export import COLUMNS
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import Services, build_services

TICKETS, PER_TICKET = 1_000, 100
EVENTS = TICKETS * PER_TICKET
TAIL = 1_000
"""How many events an export `--after` the log's last-but-TAIL position gives."""
RSS_BOUND = 250 * 2**20
FLAT = 48 * 2**20
"""How much more the whole log may take than its last TAIL events: batches, not the log."""
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CUSTOMER, AGENT = Actor(uuid4(), Role.CUSTOMER), Actor(uuid4(), Role.AGENT)
MESSAGE = 'The tray says "jam, jam, jam",\nthen smokes. ' * 22
MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
    "sys.exit(code)\n"
)
"""Runs a command and prints its peak RSS in bytes (Linux gives kilobytes)."""


def said(actor: Actor, n: int) -> Origin:
    return Origin(actor, START + timedelta(seconds=n), uuid4(), uuid4())


def story(n: int) -> list[Ticket.Event]:
    """A ticket of 100 events: opened, assigned, worked, resolved, reopened, closed."""
    ticket = Ticket.open(
        ticket_id=uuid4(),
        number=f"{n:08d}",
        subject=f"Ticket {n}",
        body=MESSAGE,
        message_id=uuid4(),
        priority=Priority.NORMAL,
        customer_id=CUSTOMER.id,
        department_id=None,
        help_topic_id=None,
        origin=said(CUSTOMER, n),
    )
    ticket.assign(AGENT.id, said(AGENT, n))
    ticket.change_status(Status.IN_PROGRESS, said(AGENT, n))
    ticket.add_note(uuid4(), "Looking into it.", said(AGENT, n))
    while ticket.version < PER_TICKET - 4:
        ticket.add_note(uuid4(), MESSAGE, said(AGENT, n))
        ticket.reply(uuid4(), MESSAGE, said(CUSTOMER, n))
    ticket.resolve("Fixed.", said(AGENT, n))
    ticket.reopen("Not quite.", said(CUSTOMER, n))
    ticket.resolve("Fixed now.", said(AGENT, n))
    ticket.close(said(AGENT, n))
    events: list[Ticket.Event] = ticket.collect_events()  # type: ignore[assignment]
    assert len(events) == PER_TICKET
    return events


@pytest.fixture(scope="module")
def stories() -> list[list[Ticket.Event]]:
    return [story(n) for n in range(TICKETS)]


def save(services: Services, stories: list[list[Ticket.Event]]) -> None:
    for first in range(0, TICKETS, 10):
        services.helpdesk.save(*(e for events in stories[first : first + 10] for e in events))


def copy(services: Services, url: str, stories: list[list[Ticket.Event]]) -> None:
    desk = services.helpdesk
    recorder = desk.recorder
    table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)  # type: ignore[attr-defined]
    statement = "COPY {} (originator_id, originator_version, topic, state) FROM STDIN"
    with psycopg.connect(url) as conn, conn.cursor().copy(sql.SQL(statement).format(table)) as rows:
        for events in stories:
            for stored in map(desk.mapper.to_stored_event, events):
                rows.write_row(
                    (stored.originator_id, stored.originator_version, stored.topic, stored.state)
                )


@dataclass
class Log:
    url: str
    head: int


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def log(
    request: pytest.FixtureRequest,
    stories: list[list[Ticket.Event]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Log]:
    """A store holding the 100,000 events, and its last position."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('log')}/ticketing.sqlite3"
    else:
        server = request.getfixturevalue("postgres_server")
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{server.rsplit('/', 1)[0]}/{name}"
    settings = Settings(database_url=url)
    migrate(settings)
    services = build_services(settings)
    try:
        if settings.is_sqlite:
            save(services, stories)
        else:
            copy(services, url, stories)
        head = services.helpdesk.recorder.max_notification_id() or 0
    finally:
        services.close()
    yield Log(url, head)
    if not settings.is_sqlite:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Export:
    path: Path
    peak_rss: int
    stderr: str


def export(url: str, out: Path, *options: str) -> tuple[Path, subprocess.Popen[str]]:
    command = [sys.executable, "-m", "ticketing.cli", "events", "export", *options, "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED, *command],
        env={**os.environ, "TICKETING_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return out, process


def finished(out: Path, process: subprocess.Popen[str]) -> Export:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return Export(out, int(stdout.strip()), stderr)


@pytest.fixture(scope="module")
def exports(log: Log, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Export]:
    """The whole log as JSON lines and as CSV, and its last TAIL events, exported at once."""
    folder = tmp_path_factory.mktemp("exports")
    running = {
        "jsonl": export(log.url, folder / "log.jsonl", "--format", "jsonl"),
        "csv": export(log.url, folder / "log.csv", "--format", "csv"),
        "tail": export(log.url, folder / "tail.jsonl", "--after", str(log.head - TAIL)),
    }
    return {name: finished(*started) for name, started in running.items()}


def lines(exported: Export) -> Iterator[dict[str, Any]]:
    with exported.path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


@pytest.fixture(scope="module")
def items(exports: dict[str, Export]) -> list[dict[str, Any]]:
    """The JSON lines export, each line parsed."""
    return list(lines(exports["jsonl"]))


def csv_rows(exported: Export) -> list[list[str]]:
    with exported.path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_the_jsonl_export_has_every_event_once_one_object_a_line_in_log_order(items):
    assert len(items) == EVENTS
    assert all(isinstance(item, dict) and set(item) == set(COLUMNS) for item in items)
    positions = [item["position"] for item in items]
    assert positions == sorted(set(positions))
    assert {item["type"] for item in items} >= {"Created", "NoteAdded", "Replied", "Closed"}
    assert sum(item["data"].get("body") == MESSAGE for item in items) > EVENTS * 0.9


def test_the_csv_export_has_a_header_and_a_row_of_equal_width_per_event(exports, items):
    header, *rows = csv_rows(exports["csv"])

    assert header == list(COLUMNS)
    assert len(rows) == EVENTS
    assert {len(row) for row in rows} == {len(COLUMNS)}
    assert [int(row[0]) for row in rows] == [item["position"] for item in items]
    assert [json.loads(row[-1]) for row in rows] == [item["data"] for item in items]


def test_an_export_after_a_position_starts_just_after_it(log, exports, items):
    after = log.head - TAIL
    tail = list(lines(exports["tail"]))

    assert [item for item in items if item["position"] > after] == tail
    assert len(tail) == TAIL


def test_an_export_reports_how_many_events_it_wrote(exports):
    assert f"exported {EVENTS:,} events" in exports["jsonl"].stderr
    assert f"exported {EVENTS:,} events" in exports["csv"].stderr
    assert f"exported {TAIL:,} events" in exports["tail"].stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_peaks_far_below_the_size_of_the_log(exports, fmt):
    size = exports["jsonl"].path.stat().st_size
    peak, small = exports[fmt].peak_rss, exports["tail"].peak_rss

    print(
        f"{fmt}: peak RSS {peak / 2**20:.1f} MiB for {size / 2**20:.1f} MiB of log;"
        f" {small / 2**20:.1f} MiB for the last {TAIL} events"
    )
    assert peak < size / 2
    assert peak < RSS_BOUND
    assert peak < small + FLAT
