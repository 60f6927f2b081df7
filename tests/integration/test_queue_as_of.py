"""The queue as it was, on both stores: for 50 random instants of a generated month, the
as-of answer equals the live queue rebuilt from the log up to that instant and read then."""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from domain.errors import DomainError
from domain.lifecycle import ACTIVE
from domain.pipeline import Intent
from domain.values import Actor, Origin, Priority, Role, Status
from projections.queue.handlers import QueueProjection
from projections.queue.queries import ACTIVE_STATUSES, QueueQuery, QueueSort, page
from projections.sqlite_views import SQLiteViews
from wiring.config import Settings
from wiring.services import Services

from ..conftest import FakeClock
from .projection_helpers import SALES, catch_up, logged, open_ticket, opened, register, small_runner

MONTH = timedelta(days=30)


def at_random(rng: random.Random, clock: FakeClock, actor: Actor) -> Intent:
    """A command some minutes to hours after the previous one."""
    return Intent(Origin(actor, clock.advance(minutes=rng.expovariate(1 / 90)), uuid4(), uuid4()))


def a_month(services: Services, clock: FakeClock, rng: random.Random) -> list[UUID]:
    """Forty tickets opened and worked at random through a month; answers the agents."""
    agents = [register(services, clock, Role.AGENT) for _ in range(3)]
    supervisor = Actor(register(services, clock, Role.SUPERVISOR), Role.SUPERVISOR)
    tickets: list[tuple[UUID, Actor]] = []
    end = clock.now + MONTH
    while clock.now < end:
        if len(tickets) < 40 and rng.random() < 0.3:
            customer = Actor(uuid4(), Role.CUSTOMER)
            priority = rng.choice([None, *Priority])
            tickets.append((open_ticket(services, clock, customer, priority=priority), customer))
            continue
        if not tickets:
            continue
        ticket, customer = rng.choice(tickets)
        with suppress(DomainError):  # refused in the ticket's state: nothing recorded
            work(services, rng, ticket, customer, supervisor, agents, clock)
    return agents


def work(
    services: Services,
    rng: random.Random,
    ticket: UUID,
    customer: Actor,
    staff: Actor,
    agents: list[UUID],
    clock: FakeClock,
) -> None:
    """One thing done to a ticket, chosen at random."""
    desk, move = services.helpdesk, rng.randrange(9)
    by = at_random(rng, clock, customer if move == 3 else staff)
    if move == 0:
        desk.assign(ticket, rng.choice([None, *agents]), by)
    elif move == 1:
        desk.change_status(ticket, rng.choice(sorted(ACTIVE)), by)
    elif move == 2:
        desk.change_priority(ticket, rng.choice(list(Priority)), by)
    elif move in (3, 4):
        desk.reply(ticket, "Any news?" if move == 3 else "On it.", by)
    elif move == 5:
        desk.resolve(ticket, "Fixed.", by)
    elif move == 6:
        desk.close_ticket(ticket, by)
    elif move == 7:
        desk.reopen(ticket, "Again.", by)
    else:
        _transfer(services, ticket, by.origin)


def _transfer(services: Services, ticket_id: UUID, origin: Origin) -> None:
    ticket = services.helpdesk.ticket(ticket_id, origin.actor)
    ticket.transfer(SALES, origin)
    services.helpdesk.save(ticket)


def everything(views: Any, query: QueueQuery, now: datetime, as_of: datetime | None) -> list[Any]:
    """Every page of a query, three items a page (so the keyset crosses many pages)."""
    items, cursor = page(views, query, now, as_of)
    while cursor is not None:
        more, cursor = page(views, QueueQuery(**{**vars(query), "cursor": cursor}), now, as_of)
        items += more
    return items


def test_fifty_instants_of_a_month_answer_what_the_queue_held_then(
    settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    rng = random.Random(20261201)
    start = clock.now
    with opened(settings, clock) as services:
        agents = a_month(services, clock, rng)
        catch_up(small_runner(services, batch=50))
        events = logged(services)
        sales = str(SALES)
        queries = [
            QueueQuery(limit=3),
            QueueQuery(department_id=sales, sort=QueueSort.ACTIVITY, limit=3),
            QueueQuery(statuses=tuple(Status), sort=QueueSort.PRIORITY, limit=3),
            QueueQuery(department_id=sales, assignee="unassigned", statuses=tuple(Status), limit=3),
            QueueQuery(assignee=str(agents[0]), statuses=ACTIVE_STATUSES, limit=3),
            QueueQuery(sort=QueueSort.CREATED, limit=3),
        ]
        instants = sorted(start + rng.random() * MONTH for _ in range(50))
        shown = 0
        for n, instant in enumerate(instants):
            fresh = SQLiteViews(tmp_path / f"at-{n}.sqlite3")
            fresh.setup()
            fresh.install(QueueProjection)
            then = [(p, e) for p, e in events if e.timestamp <= instant]
            fresh.apply(QueueProjection, then, then[-1][0] if then else 0)
            for query in queries:
                expected = everything(fresh, query, instant, None)
                shown += len(expected)
                assert everything(services.views, query, clock.now, instant) == expected, (
                    instant,
                    query,
                )
            fresh.close()
        assert shown > 250, "the instants should find the queues busy"
