"""Steps shared by the projection runtime tests: a busy help desk, a runner that catches
up without sleeping, the rows the log says every read model must hold, and doubles
that hold a runner or a rebuild at a chosen moment."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg import sql

from domain.pipeline import Intent
from domain.values import Actor, Origin, Priority, Role, Status
from projections.base import Key, MemoryRows, Projection, Row
from projections.view_store import ViewStore
from wiring.config import Settings
from wiring.event_store import postgres_conninfo
from wiring.migrate import migrate
from wiring.services import Services, build_services
from wiring.views import PROJECTIONS
from workers.projections import ProjectionRunner

from ..conftest import FakeClock

SUPERVISOR = Actor(uuid4(), Role.SUPERVISOR)
SALES = UUID("5a1e5000-0000-4000-8000-000000000002")

Tables = dict[str, dict[Key, Row]]
"""A read model's rows: table name → key → row."""


@contextmanager
def opened(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    migrate(settings)
    services = build_services(settings, clock=clock)
    try:
        yield services
    finally:
        services.close()


def said(actor: Actor, clock: FakeClock) -> Intent:
    """A command call a second after the previous one."""
    return Intent(Origin(actor, clock.advance(seconds=1), uuid4(), uuid4()))


def small_runner(services: Services, batch: int = 7) -> ProjectionRunner:
    """A runner whose batches are small enough that a few hundred events cross many."""
    desk = services.helpdesk
    return ProjectionRunner(desk.recorder, desk.mapper, services.views, PROJECTIONS, batch=batch)


def catch_up(runner: ProjectionRunner, most: int = 100_000) -> int:
    """Steps until the runner has nothing left to do; answers the number of steps."""
    for steps in range(most):
        if not runner.step():
            return steps
    raise AssertionError(f"the runner was still busy after {most} steps")


def logged(services: Services) -> list[tuple[int, Any]]:
    """Every event in the log with its position, decoded as the runner decodes them."""
    recorder, mapper = services.helpdesk.recorder, services.helpdesk.mapper
    events: list[tuple[int, Any]] = []
    after = 0
    while found := recorder.select_notifications(after, 1000, inclusive_of_start=False):
        events += [(n.id, mapper.to_domain_event(n)) for n in found]
        after = found[-1].id
    return events


def replayed(projection: type[Projection], events: list[tuple[int, Any]]) -> Tables:
    """The rows of a projection fed the events in memory: the reference."""
    memory = MemoryRows()
    memory.apply(projection, events)
    return {t.name: memory.tables.get(t.name, {}) for t in projection.tables}


def live(services: Services, projection: type[Projection]) -> Tables:
    return {
        t.name: {t.key_of(r): r for r in services.views.rows(projection, t)}
        for t in projection.tables
    }


def positions(services: Services) -> dict[str, int]:
    return {p.name: services.views.position(p.name) for p in PROJECTIONS}


def register(services: Services, clock: FakeClock, role: Role) -> UUID:
    outcome = services.helpdesk.register_person(
        name=f"A {role.value}",
        email=f"{uuid4().hex[:12]}@example.com",
        role=role,
        department_ids=[],
        intent=said(SUPERVISOR, clock),
    )
    return outcome.outcome.aggregate_id


def open_ticket(
    services: Services,
    clock: FakeClock,
    customer: Actor,
    subject: str = "The printer is on fire",
    priority: Priority | None = None,
) -> UUID:
    outcome = services.helpdesk.open_ticket(
        subject=subject,
        body="Smoke from the tray.",
        priority=priority,
        customer_id=None,
        department_id=None,
        help_topic_id=None,
        intent=said(customer, clock),
    )
    return outcome.aggregate_id


def busy_desk(services: Services, clock: FakeClock, tickets: int) -> None:
    """Tickets worked through every kind of ticket event, each a little differently."""
    desk = services.helpdesk
    first = Actor(register(services, clock, Role.AGENT), Role.AGENT)
    # A supervisor: the tickets transferred to another department may still be given to them.
    other = Actor(register(services, clock, Role.SUPERVISOR), Role.SUPERVISOR)
    for n in range(tickets):
        agent = first
        customer = Actor(uuid4(), Role.CUSTOMER)
        priority = list(Priority)[n % 4]
        ticket = open_ticket(services, clock, customer, subject=f"Ticket {n}", priority=priority)
        desk.assign(ticket, first.id, said(SUPERVISOR, clock))
        desk.add_note(ticket, "Smells of toner.", said(agent, clock))
        desk.change_status(ticket, Status.AWAITING_CUSTOMER, said(agent, clock))
        desk.reply(ticket, "A LaserJet 4.", said(customer, clock))
        if n % 3 == 0:
            transfer(services, ticket, said(agent, clock).origin)
        if n % 4 != 3:
            urgent = Priority.LOW if priority is Priority.URGENT else Priority.URGENT
            desk.change_priority(ticket, urgent, said(agent, clock))
        if n % 5 == 0:
            desk.assign(ticket, None, said(SUPERVISOR, clock))
            desk.assign(ticket, other.id, said(SUPERVISOR, clock))
            agent = other
        if n % 7 == 6:
            continue  # left in progress
        desk.resolve(ticket, "Replaced the fuser.", said(agent, clock))
        if n % 2 == 0:
            desk.review(ticket, 1 + n % 5, "Thanks.", said(customer, clock))
        if n % 3 == 1:
            desk.close_ticket(ticket, said(customer, clock))
        if n % 6 == 1:
            desk.reopen(ticket, "It smokes again.", said(customer, clock))


def transfer(services: Services, ticket_id: UUID, origin: Origin) -> None:
    """The application knows no departments yet: the domain command, saved as usual."""
    ticket = services.helpdesk.ticket(ticket_id, origin.actor)
    ticket.transfer(SALES, origin)
    services.helpdesk.save(ticket)


def note_storm(services: Services, clock: FakeClock, tickets: int, notes: int) -> None:
    """Many events quickly: each ticket's notes saved in one transaction."""
    agent = Actor(uuid4(), Role.AGENT)
    for n in range(tickets):
        ticket_id = open_ticket(services, clock, Actor(uuid4(), Role.CUSTOMER), subject=f"T{n}")
        ticket = services.helpdesk.ticket(ticket_id, agent)
        for i in range(notes):
            ticket.add_note(uuid4(), f"note {i}", said(agent, clock).origin)
        services.helpdesk.save(ticket)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Bounded polling: the tests never assume how long anything takes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting until {what}")
        time.sleep(0.01)


class HookedLog:
    """The log as one runner reads it, with a hook run once just before its next read."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.before_read: Callable[[], None] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.recorder, name)

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        hook, self.before_read = self.before_read, None
        if hook is not None:
            hook()
        return self.recorder.select_notifications(*args, **kwargs)


class HeldSwap:
    """Read models whose swaps wait, once filled, until they are let go."""

    def __init__(self, views: ViewStore) -> None:
        self.views = views
        self.waiting = threading.Event()
        self.let_go = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)

    def swap(self, projection: type[Projection], generation: int) -> None:
        self.waiting.set()
        assert self.let_go.wait(timeout=30), "the swap was never let go"
        self.views.swap(projection, generation)


def an_agent() -> Actor:
    return Actor(uuid4(), Role.AGENT)


def insert_uncommitted_note(
    services: Services, conn: psycopg.Connection[Any], ticket_id: UUID, clock: FakeClock
) -> int:
    """What the library's insert does (lock the table, notify, insert), left uncommitted."""
    desk = services.helpdesk
    ticket = desk.ticket(ticket_id, an_agent())
    ticket.add_note(uuid4(), "A's note.", said(an_agent(), clock).origin)
    (stored,) = [desk.mapper.to_stored_event(e) for e in ticket.collect_events()]
    recorder: Any = desk.recorder
    table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)
    conn.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
    conn.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(recorder.channel_name)))
    row = conn.execute(
        sql.SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state)"
            " VALUES (%s, %s, %s, %s) RETURNING notification_id"
        ).format(table),
        (stored.originator_id, stored.originator_version, stored.topic, stored.state),
    ).fetchone()
    assert row is not None
    return int(row[0])


def lock_waiters(settings: Settings, services: Services) -> int:
    """Sessions waiting for a lock on the events table (asked outside A's transaction)."""
    recorder: Any = services.helpdesk.recorder
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
            (f"{recorder.datastore.schema}.{recorder.events_table_name}",),
        ).fetchone()
    return 0 if row is None else int(row[0])
