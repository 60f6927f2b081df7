"""What-if benchmark: a month of tickets replayed under a stricter SLA plan.

    .venv/bin/python bench/what_if.py [--tickets 10000] [--store postgres|sqlite]

1. Writes a month of tickets under an office-hours plan (opened, assigned, answered,
   some waiting on the customer, resolved, closed: about nine events each), saved fifty
   per transaction, and lets the projections catch up.
2. Baseline: reads the whole log raw (`bench.projections.raw_read`).
3. Asks what-if for the month under a stricter plan, as `POST /v1/what-if/sla` does,
   and reports the time (goal: under 10 s for 10k tickets) and its ratio to the raw read.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.projections import raw_read
from bench.scratch import scratch_store
from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.organisation import PlanTerms
from domain.sla import SLATerms, Target
from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status
from wiring.runtime import Runtime
from wiring.services import Services, build_services

CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
AGENT = Actor(uuid4(), Role.AGENT)
MONTH_START = datetime(2026, 3, 1, tzinfo=UTC)
OFFICE = BusinessCalendar.define(
    "Europe/Berlin", {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}, []
)
ACTUAL = SLATerms(
    plan_id=uuid4(),
    plan_version=1,
    first_response_minutes=60,
    resolution_minutes=480,
    warn_at_percent=80,
    pause_statuses=(Status.AWAITING_CUSTOMER,),
    calendar=OFFICE,
)


def story(n: int, rng: random.Random) -> Ticket:
    """A ticket opened some time in March, worked over the following hours."""
    at = MONTH_START + timedelta(minutes=rng.uniform(0, 30 * 24 * 60))

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
        priority=Priority.NORMAL,
        customer_id=CUSTOMER.id,
        department_id=None,
        help_topic_id=None,
        origin=by(CUSTOMER, 0),
        sla=ACTUAL,
    )
    ticket.assign(AGENT.id, by(AGENT, rng.uniform(1, 30)))
    ticket.reply(uuid4(), "Looking into it.", by(AGENT, rng.expovariate(1 / 45)))
    if rng.random() < 0.4:
        ticket.change_status(Status.AWAITING_CUSTOMER, by(AGENT, rng.uniform(5, 60)))
        ticket.reply(uuid4(), "Here it is.", by(CUSTOMER, rng.expovariate(1 / 240)))
    ticket.resolve("Fixed.", by(AGENT, rng.expovariate(1 / 300)))
    ticket.close(by(AGENT, 60 * 24 * 3))
    return ticket


def write_month(services: Services, tickets: int) -> float:
    rng = random.Random(7)
    started = time.perf_counter()
    for first in range(0, tickets, 50):
        services.helpdesk.save(*(story(n, rng) for n in range(first, min(first + 50, tickets))))
    runner = Runtime(services).projection_runner()
    while runner.step():
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    with scratch_store(args.store) as settings:
        services = build_services(settings)
        wrote = write_month(services, args.tickets)
        print(f"cores: {os.cpu_count()}; store: {args.store}; tickets: {args.tickets:,}")
        print(f"wrote the month and caught the projections up in {wrote:.1f} s")
        count, raw = raw_read(settings)
        print(f"raw read of the log: {count:,} events in {raw:.2f} s")
        stricter = services.helpdesk.hypothetical_terms(
            PlanTerms(30, 240, None, 80, (Status.AWAITING_CUSTOMER,), None), OFFICE
        )
        started = time.perf_counter()
        found = services.what_if(stricter, MONTH_START, MONTH_START + timedelta(days=31), None)
        took = time.perf_counter() - started
        total, first = found.total, Target.FIRST_RESPONSE
        print(
            f"what-if over {total.tickets:,} tickets: {took:.2f} s"
            f" ({total.tickets / took:,.0f} tickets/s), {took / raw:.1f}x the raw read;"
            f" first responses breached: {total.actual.targets[first].breached:,} actual,"
            f" {total.hypothetical.targets[first].breached:,} under the stricter plan"
        )
        services.close()


if __name__ == "__main__":
    main()
