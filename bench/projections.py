"""Projection benchmark: rebuild rate against a raw read of the log, and live lag.

    .venv/bin/python bench/projections.py [--events 100000] [--store postgres|sqlite]
        [--rate 500] [--seconds 10] [--threads 8]

1. Writes N events (tickets of 100 events each, saved ten tickets per transaction).
2. Baseline: reads the whole log raw (psycopg or sqlite3, 500 rows per query, keyset).
3. Rebuilds each projection from position 0 alone, then all of them in one pass, and
   reports events/s and the ratio to the baseline (goal ≥ 0.3): a rebuild decodes the
   events its projections handle and writes the rows.
4. Lag: replies at a steady rate (goal: p99 < 100 ms at 500/s) while `ticketing worker
   all` follows the log in its own process (`lag.py`); for each reply, the time until
   the queue projection has processed it, and the worker's CPU time per event.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from uuid import uuid4

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lag import AGENT, CUSTOMER, lag_under_load, origin
from bench.scratch import scratch_store
from domain.ticket import Ticket
from domain.values import Priority, Status
from ticketing.progress import Bar
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services, build_services
from wiring.views import PROJECTIONS
from workers.projections import rebuild_all


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
        lite = sqlite3.connect(settings.store_env()["SQLITE_DBNAME"])
        query = (
            "SELECT rowid, originator_id, originator_version, topic, state"
            " FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT 500"
        )
        while rows := lite.execute(query, (after,)).fetchall():
            count, after = count + len(rows), rows[-1][0]
        lite.close()
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


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def rebuilds(services: Services, count: int, raw: float) -> None:
    """Each projection rebuilt alone, then all of them in one pass, as ratios to the raw
    read (the goal: 0.3 each)."""
    runner = Runtime(services).projection_runner()
    floor = count / raw
    timings = [(p.name, [p]) for p in PROJECTIONS] + [("all", list(PROJECTIONS))]
    for name, chosen in timings:
        started = time.perf_counter()
        rebuild_all(runner, chosen)
        took = time.perf_counter() - started
        print(
            f"rebuild {name:<9} {took:6.2f} s = {count / took:9,.0f} events/s,"
            f" ratio {count / took / floor:.2f} to the raw read"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the rebuilding process: {rss:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=500.0, help="replies a second")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with scratch_store(args.store) as settings:
        services = build_services(settings)
        print(f"cores: {os.cpu_count()}; store: {args.store}; events: {args.events:,}")
        wrote = write_log(services, args.events)
        print(f"wrote the log in {wrote:.1f} s ({args.events / wrote:,.0f} events/s)")
        count, raw = raw_read(settings)
        print(f"raw read of the log: {count:,} events in {raw:.2f} s = {count / raw:,.0f} events/s")
        rebuilds(services, count, raw)
        load = lag_under_load(services, args.rate, args.seconds, args.threads)
        print(
            f"lag under load: {load.commands} replies ({load.commands / load.seconds:.0f}/s),"
            f" p50 {percentile(load.lags, 0.5) * 1000:.1f} ms,"
            f" p99 {percentile(load.lags, 0.99) * 1000:.1f} ms,"
            f" mean {statistics.mean(load.lags or [0.0]) * 1000:.1f} ms"
        )
        if load.worker_cpu is not None:
            print(
                f"worker process: {load.worker_cpu:.2f} s CPU for {load.events:,} events"
                f" = {load.worker_cpu / max(load.events, 1) * 1e6:,.0f} µs an event"
            )
        services.close()


if __name__ == "__main__":
    main()
