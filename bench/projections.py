"""Projection benchmark: rebuild rate against a raw read of the log, and live lag.

    .venv/bin/python bench/projections.py [--events 200000] [--store postgres|sqlite]

1. Writes N events (tickets of 100 events each, saved ten tickets per transaction).
2. Baseline: reads the whole log raw (psycopg or sqlite3, 500 rows per query, keyset).
3. Rebuilds every projection from position 0 and reports events/s and the ratio to
   the baseline (goal ≥ 0.3): the rebuild decodes every event and writes the rows.
4. Lag: a steady load of replies from several threads while the runner follows the
   log; for each reply, the time until the queue projection has processed it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.pipeline import Intent
from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status
from ticketing.progress import Bar
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.services import Services, build_services
from wiring.views import PROJECTIONS
from workers.projections import rebuild

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
AGENT = Actor(uuid4(), Role.AGENT)


def origin(actor: Actor) -> Origin:
    return Origin(actor, datetime.now(UTC), uuid4(), uuid4())


def story(n: int) -> Ticket:
    """A ticket with 100 events: opened, assigned, worked, resolved, reopened, closed."""
    ticket = Ticket.open(
        ticket_id=uuid4(),
        number=f"{n:08d}",
        subject=f"Ticket {n}",
        body="It broke.",
        message_id=uuid4(),
        priority=Priority.NORMAL,
        customer_id=CUSTOMER.id,
        department_id=None,
        help_topic_id=None,
        origin=origin(CUSTOMER),
    )
    ticket.assign(AGENT.id, origin(AGENT))
    ticket.change_status(Status.IN_PROGRESS, origin(AGENT))
    while ticket.version < 96:
        ticket.add_note(uuid4(), "Looked into it.", origin(AGENT))
        ticket.reply(uuid4(), "Any news?", origin(CUSTOMER))
    ticket.resolve("Fixed.", origin(AGENT))
    ticket.reopen("Not quite.", origin(CUSTOMER))
    ticket.resolve("Fixed now.", origin(AGENT))
    ticket.close(origin(AGENT))
    return ticket


def write_log(services: Services, events: int) -> float:
    started = time.perf_counter()
    tickets = events // 100
    with Bar("wrote", tickets * 100, "events") as bar:
        for first in range(0, tickets, 10):
            services.helpdesk.save(*(story(n) for n in range(first, min(first + 10, tickets))))
            bar.to(min(first + 10, tickets) * 100)
    return time.perf_counter() - started


def raw_read(settings: Settings) -> tuple[int, float]:
    """Every stored event, 500 rows a query, with nothing decoded: the floor."""
    started, count, after = time.perf_counter(), 0, 0
    if settings.is_sqlite:
        conn = sqlite3.connect(settings.store_env()["SQLITE_DBNAME"])
        query = (
            "SELECT rowid, originator_id, originator_version, topic, state"
            " FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT 500"
        )
        while rows := conn.execute(query, (after,)).fetchall():
            count, after = count + len(rows), rows[-1][0]
        conn.close()
    else:
        with psycopg.connect(settings.database_url) as conn:
            query = (
                "SELECT notification_id, originator_id, originator_version, topic, state"
                " FROM helpdesk_events WHERE notification_id > %s"
                " ORDER BY notification_id LIMIT 500"
            )
            while rows := conn.execute(query, (after,)).fetchall():
                count, after = count + len(rows), rows[-1][0]
    return count, time.perf_counter() - started


def lag_under_load(services: Services, seconds: float, threads: int) -> list[float]:
    """Replies from several threads; each measures until the queue has processed it."""
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
    stop, lags, lock = threading.Event(), [], threading.Lock()

    def work(ticket_id: uuid.UUID) -> None:
        while not stop.is_set():
            outcome = helpdesk.reply(ticket_id, "Still there?", Intent(origin(AGENT)))
            saved = time.perf_counter()
            while services.views.position("queue") < (outcome.position or 0):
                time.sleep(0.001)
            with lock:
                lags.append(time.perf_counter() - saved)
            time.sleep(0.02)

    workers = [threading.Thread(target=work, args=(t,)) for t in ticket_ids]
    for w in workers:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    name = f"bench_{uuid.uuid4().hex[:12]}"
    folder = tempfile.TemporaryDirectory()
    if args.store == "postgres":
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG.rsplit('/', 1)[0]}/{name}"
    else:
        url = f"sqlite:///{folder.name}/bench.sqlite3"
    settings = Settings(database_url=url)
    try:
        migrate(settings)
        services = build_services(settings)
        print(f"cores: {os.cpu_count()}; store: {args.store}; events: {args.events:,}")
        wrote = write_log(services, args.events)
        print(f"wrote the log in {wrote:.1f} s ({args.events / wrote:,.0f} events/s)")
        count, raw = raw_read(settings)
        print(f"raw read of the log: {count:,} events in {raw:.2f} s = {count / raw:,.0f} events/s")
        runtime = Runtime(services)
        runner = runtime.projection_runner()
        for projection in PROJECTIONS:
            started = time.perf_counter()
            rebuild(runner, projection)
            took = time.perf_counter() - started
            rate = count / took
            print(
                f"rebuild {projection.name:<6} {took:6.2f} s = {rate:9,.0f} events/s,"
                f" ratio {rate / (count / raw):.2f} to the raw read"
            )
        runtime.listen_to_log()
        runtime.start_workers()
        lags = sorted(lag_under_load(services, args.seconds, args.threads))
        if lags:
            p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))] * 1000  # noqa: E731
            print(
                f"lag under load: {len(lags)} replies ({len(lags) / args.seconds:.0f}/s),"
                f" p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms,"
                f" mean {statistics.mean(lags) * 1000:.1f} ms"
            )
        runtime.close()
    finally:
        if args.store == "postgres":
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        folder.cleanup()


if __name__ == "__main__":
    main()
