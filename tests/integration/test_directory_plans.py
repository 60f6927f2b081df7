"""Every read of the directory is an index lookup or range, on a directory large enough
that the planner would rather scan a table if an index did not serve: each statement a
query runs is explained, on SQLite and on analysed PostgreSQL tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.calendar import BusinessCalendar
from domain.organisation import (
    AssignMode,
    DefaultDepartment,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from domain.people import Person
from domain.values import Actor, Origin, Priority, Role, Status
from projections.directory import queries
from projections.directory.handlers import DirectoryProjection, Kind
from projections.postgres_views import PostgresViews
from projections.sql_session import SqlSession
from projections.view_store import ViewStore
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services

from ..conftest import FakeClock
from .projection_helpers import opened

ADMIN = Actor(uuid4(), Role.ADMIN)
DEPARTMENTS = 40
ROLES = [Role.CUSTOMER] * 19_400 + [Role.AGENT] * 540 + [Role.SUPERVISOR] * 30 + [Role.ADMIN] * 30
"""20,000 people, most of them customers; staff work in three departments each."""


class Noting:
    """The store's own session, noting each statement and its parameters."""

    def __init__(self, session: SqlSession, noted: list[tuple[str, Sequence[Any]]]) -> None:
        self.session = session
        self.noted = noted

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Noting:
        self.noted.append((sql, list(params)))
        self.session.execute(sql, params)
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


class NotedViews:
    """The real store, whose reads note what they run."""

    def __init__(self, views: ViewStore) -> None:
        self.views = views
        self.noted: list[tuple[str, Sequence[Any]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.views.read() as c:
            yield Noting(c, self.noted)


def a_large_directory(clock: FakeClock) -> tuple[list[Any], list[UUID]]:
    """Events of 20,000 people over 40 departments and some 1,700 organisation items."""

    def origin() -> Origin:
        return Origin(ADMIN, clock.advance(seconds=1), uuid4(), uuid4())

    calendar = BusinessCalendar.define("UTC", {"mon": [["09:00", "17:00"]]}, [])
    terms = PlanTerms(60, 480, None, 80, (Status.AWAITING_CUSTOMER,), None)
    departments = [uuid4() for _ in range(DEPARTMENTS)]
    aggregates: list[Aggregate] = []
    for n, department_id in enumerate(departments):
        aggregates.append(
            Department.define(department_id, f"D{n}", None, AssignMode.NONE, 7, 14, origin())
        )
        if n == 0:
            aggregates.append(DefaultDepartment.claim(department_id, origin()))
    for n in range(300):
        aggregates.append(WorkCalendar.define(uuid4(), f"C{n}", calendar, origin()))
        plan = SLAPlan.define(uuid4(), f"P{n}", terms, origin())
        plan.revise(f"P{n}", terms, origin())
        aggregates.append(plan)
    for n in range(1000):
        topic = HelpTopic.define(
            uuid4(), f"T{n}", departments[n % DEPARTMENTS], Priority.LOW, None, origin()
        )
        aggregates.append(topic)
    for n, role in enumerate(ROLES):
        works_in = (
            []
            if role is Role.CUSTOMER
            else [departments[(n + k) % DEPARTMENTS] for k in (0, 13, 27)]
        )
        person = Person.register(uuid4(), f"N{n}", f"p{n}@example.com", role, works_in, origin())
        if n % 3 == 0:
            person.set_away(True, origin())
        aggregates.append(person)
    events = [e for a in aggregates for e in a.collect_events()]
    return list(enumerate(events, start=1)), departments


def analysed(views: ViewStore) -> None:
    with views.write() as c:
        c.execute("ANALYZE")


def plan(views: ViewStore, sql: str, params: Sequence[Any]) -> list[str]:
    """The lines of the store's plan for a statement."""
    with views.read() as c:
        if isinstance(views, PostgresViews):
            return [str(r[0]) for r in c.execute(f"EXPLAIN {sql}", params).fetchall()]
        return [str(r[-1]) for r in c.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]


def scans(views: ViewStore, lines: list[str]) -> list[str]:
    """The lines that read a directory table by scanning it whole."""
    if isinstance(views, PostgresViews):
        return [line for line in lines if "Seq Scan" in line]
    return [line for line in lines if line.startswith("SCAN view_")]


def index_reads(views: ViewStore, lines: list[str]) -> list[str]:
    if isinstance(views, PostgresViews):
        return [line for line in lines if "Index" in line]
    return [line for line in lines if line.startswith("SEARCH")]


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


def test_every_directory_read_is_served_by_an_index(services: Services, clock: FakeClock):
    views = services.views
    Runtime(services).projection_runner().start()
    events, departments = a_large_directory(clock)
    views.apply(DirectoryProjection, events, events[-1][0])
    analysed(views)
    noted = NotedViews(views)
    reader: Any = noted
    staff = frozenset(Role) - {Role.CUSTOMER, Role.SYSTEM}
    _, middle = queries.people(reader, frozenset({Role.CUSTOMER}), 50, None)
    somebody = UUID(queries.people(reader, staff, 1, None)[0][0]["id"])
    topic = UUID(queries.organisation(reader, Kind.HELP_TOPIC, 1, None)[0][0]["id"])
    reads: list[Callable[[], Any]] = [
        lambda: queries.people(reader, staff, 50, None),
        lambda: queries.people(reader, frozenset({Role.CUSTOMER}), 50, middle),
        lambda: queries.people(reader, frozenset({Role.SUPERVISOR}), 50, None),
        lambda: queries.person(reader, somebody),
        lambda: queries.available_agents(reader, departments[3]),
        lambda: queries.staff_to_notify(reader, departments[3]),
        *(
            (lambda kind=kind: queries.organisation(reader, kind, 50, None))  # type: ignore[misc]
            for kind in Kind
        ),
        lambda: queries.organisation_item(reader, Kind.HELP_TOPIC, topic),
        lambda: queries.default_department(reader),
    ]
    assert queries.available_agents(reader, departments[3]), "the plans need rows to read"
    for read in reads:
        noted.noted.clear()
        read()
        statements = [(sql, p) for sql, p in noted.noted if "view_" in sql]
        assert statements, "the read touched no directory table"
        for sql, params in statements:
            lines = plan(views, sql, params)
            assert scans(views, lines) == [], f"{sql}\n" + "\n".join(lines)
            assert index_reads(views, lines), f"{sql}\n" + "\n".join(lines)
