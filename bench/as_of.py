"""As-of benchmark: queues as they were one week before the end of a month of tickets.

    .venv/bin/python bench/as_of.py [--tickets 100000] [--store postgres|sqlite]

1. Writes a month of tickets (ten departments, five agents; each opened, assigned, some
   put in progress or waiting on the customer, most resolved within days and closed
   three days later: about five events each), saved a hundred per transaction; then
   rebuilds the two projections read here (the live queue and its history) from position
   0, as `ticketing projections rebuild` does, and ANALYZEs on PostgreSQL.
2. Baseline: a `SELECT 1` round trip through the same read path, and the raw log read
   (`bench.projections.raw_read`).
3. Times each read (p50/p99 over a few hundred runs) as of one week before the month's
   end, next to the live queue's same read: a department's queue in each sort, an
   agent's own queue, and the tenth page (of 25 rows) of a department's queue by keyset.
   Goal: as-of p99 under 100 ms at 100k tickets.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from uuid import uuid4

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.projections import raw_read
from bench.scratch import scratch_store
from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status
from projections.queue.handlers import QueueProjection
from projections.queue.history import QueueHistoryProjection
from projections.queue.queries import QueueQuery, QueueSort, page
from wiring.runtime import Runtime
from wiring.services import Services, build_services
from workers.projections import rebuild

CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
AGENTS = [Actor(uuid4(), Role.AGENT) for _ in range(5)]
DEPARTMENTS = [uuid4() for _ in range(10)]
MONTH_START = datetime(2026, 3, 1, tzinfo=UTC)
MONTH_END = MONTH_START + timedelta(days=31)
AS_OF = MONTH_END - timedelta(days=7)
RUNS = 200


def story(n: int, rng: random.Random) -> Ticket:
    """A ticket opened some time in March, worked over the following hours or days."""
    at = MONTH_START + timedelta(minutes=rng.uniform(0, 31 * 24 * 60))
    agent = rng.choice(AGENTS)

    def by(actor: Actor, minutes: float) -> Origin:
        nonlocal at
        at += timedelta(minutes=minutes)
        return Origin(actor, at, uuid4(), uuid4())

    ticket = Ticket.open(
        ticket_id=uuid4(),
        number=f"{n:08d}",
        subject=f"Ticket {n}",
        body="It broke.",
        message_id=uuid4(),
        priority=rng.choice(list(Priority)),
        customer_id=CUSTOMER.id,
        department_id=rng.choice(DEPARTMENTS),
        help_topic_id=None,
        origin=by(CUSTOMER, 0),
    )
    ticket.assign(agent.id, by(agent, rng.uniform(1, 120)))
    if rng.random() < 0.5:
        ticket.change_status(Status.IN_PROGRESS, by(agent, rng.uniform(5, 240)))
    if rng.random() < 0.2:
        ticket.change_status(Status.AWAITING_CUSTOMER, by(agent, rng.uniform(5, 240)))
    if rng.random() < 0.85:
        ticket.resolve("Fixed.", by(agent, rng.expovariate(1 / (24 * 60))))
        ticket.close(by(agent, 60 * 24 * 3))
    return ticket


def write_month(services: Services, tickets: int) -> tuple[float, float]:
    """Seconds to write the month, and to catch the projections up."""
    rng = random.Random(7)
    started = time.perf_counter()
    for first in range(0, tickets, 100):
        services.helpdesk.save(*(story(n, rng) for n in range(first, min(first + 100, tickets))))
    wrote = time.perf_counter() - started
    runner = Runtime(services).projection_runner()
    for projection in (QueueProjection, QueueHistoryProjection):
        rebuild(runner, projection)
    return wrote, time.perf_counter() - started - wrote


def timed(read: Callable[[], object]) -> tuple[float, float]:
    """p50 and p99 of a read, in milliseconds."""
    read()
    took = []
    for _ in range(RUNS):
        started = time.perf_counter()
        read()
        took.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(took, n=100)
    return cuts[49], cuts[98]


def deep(services: Services, query: QueueQuery, now: datetime, at: datetime | None) -> str:
    """The cursor of a department queue's tenth page (nine pages followed by keyset)."""
    cursor: str | None = None
    for _ in range(9):
        _, cursor = page(services.views, replace(query, cursor=cursor), now, at)
        if cursor is None:
            raise SystemExit("the queue has fewer than ten pages; write more tickets")
    return str(cursor)


Queries = Callable[[], QueueQuery]


def reads(
    services: Services, rng: random.Random
) -> dict[str, Callable[[datetime | None], Queries]]:
    """Each read by name: given the instant (None: live), what makes its next query."""
    now = datetime.now(UTC)

    def department(sort: QueueSort) -> Callable[[datetime | None], Queries]:
        return lambda at: lambda: QueueQuery(department_id=str(rng.choice(DEPARTMENTS)), sort=sort)

    def mine(at: datetime | None) -> Queries:
        return lambda: QueueQuery(assignee=str(rng.choice(AGENTS).id))

    def tenth(at: datetime | None) -> Queries:
        query = QueueQuery(department_id=str(DEPARTMENTS[0]), limit=25)
        query = replace(query, cursor=deep(services, query, now, at))
        return lambda: query

    return {
        **{f"department, by {sort}": department(sort) for sort in QueueSort},
        "mine, by due": mine,
        "department, page 10": tenth,
    }


def report(services: Services) -> None:
    rng, now = random.Random(11), datetime.now(UTC)

    def select_one() -> None:
        with services.views.read() as c:
            c.execute("SELECT 1").fetchall()

    base50, base99 = timed(select_one)
    print(f"baseline SELECT 1 round trip: p50 {base50:.2f} ms, p99 {base99:.2f} ms")
    print(
        f"{'read':<24}{'live p50':>10}{'live p99':>10}{'as-of p50':>11}{'as-of p99':>11}"
        f"{'as-of / live p50':>18}"
    )

    def read(queries: Queries, at: datetime | None) -> object:
        return page(services.views, queries(), now, at)

    for name, make in reads(services, rng).items():
        figures: list[float] = []
        for at in (None, AS_OF):
            figures += timed(partial(read, make(at), at))
        live50, live99, as50, as99 = figures
        print(
            f"{name:<24}{live50:>8.1f}ms{live99:>8.1f}ms{as50:>9.1f}ms{as99:>9.1f}ms"
            f"{as50 / live50:>17.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    with scratch_store(args.store) as settings:
        services = build_services(settings)
        wrote, caught = write_month(services, args.tickets)
        if args.store == "postgres":
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                conn.execute("ANALYZE")
        print(f"cores: {os.cpu_count()}; store: {args.store}; tickets: {args.tickets:,}")
        print(f"wrote the month in {wrote:.1f} s; projections caught up in {caught:.1f} s")
        count, raw = raw_read(settings)
        print(f"raw read of the log: {count:,} events in {raw:.2f} s")
        print(f"as of {AS_OF:%Y-%m-%d %H:%M} UTC, one week before the month's end:")
        report(services)
        services.close()


if __name__ == "__main__":
    main()
