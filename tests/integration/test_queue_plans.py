"""Every queue, search and timer read is a range of an index per branch, never a scan of
the table nor a sort of its rows: each statement the reads run is explained on SQLite and
on analysed PostgreSQL tables of 20,000 tickets, enough for the planner to scan a table
if no index served."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice, pairwise
from typing import Any

import pytest

from bench.desk import Desk, tickets
from domain.sla import SLAState
from domain.values import Priority, Status
from projections.postgres_views import PostgresViews
from projections.queue import queries as queue
from projections.queue.handlers import QueueProjection
from projections.timers import queries as timers
from projections.timers.handlers import TimersProjection
from projections.view_store import ViewStore
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services

from ..conftest import FakeClock
from .projection_helpers import opened
from .test_directory_plans import NotedViews, analysed, plan

TICKETS = 20_000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


def a_busy_desk(views: ViewStore) -> Desk:
    desk = Desk()
    made = tickets(desk, TICKETS, NOW)
    position = 0
    while chunk := list(islice(made, 2000)):
        events = [e for t in chunk for e in t.collect_events()]
        batch = list(enumerate(events, start=position + 1))
        position = batch[-1][0]
        for projection in (QueueProjection, TimersProjection):
            views.apply(projection, batch, position)
    analysed(views)
    return desk


def problems(views: ViewStore, lines: list[str], text: bool) -> list[str]:
    """The plan's lines that read a ticket table whole, or (on SQLite, whose plans say
    so) sort a table's rows rather than read them in an index's order. A text search may
    sort its matches (a GIN or FTS5 index has no order); PostgreSQL's planner may sort the
    few rows it expects from an index range. A union sorts its branches' pages: bounded."""
    if isinstance(views, PostgresViews):
        return [line for line in lines if "Seq Scan" in line]
    bad = [line for line in lines if line.startswith("SCAN view_") and "VIRTUAL" not in line]
    if not text:
        bad += [
            line
            for before, line in pairwise(lines)
            if line == "USE TEMP B-TREE FOR ORDER BY" and before.startswith(("SEARCH", "SCAN view"))
        ]
    return bad


def index_reads(views: ViewStore, lines: list[str]) -> int:
    if isinstance(views, PostgresViews):
        return sum("Index Scan" in line or "Index Only Scan" in line for line in lines)
    return sum(line.startswith("SEARCH view_") or "VIRTUAL TABLE" in line for line in lines)


def test_every_queue_search_and_timer_read_is_served_by_an_index(services: Services) -> None:
    views = services.views
    Runtime(services).projection_runner().start()
    desk = a_busy_desk(views)
    department = str(desk.departments[3])
    agent = str(desk.agents[desk.departments[3]][1])
    mine = [str(d) for d in desk.departments[3:5]]
    noted = NotedViews(views)
    reader: Any = noted
    _, after = queue.page(reader, queue.QueueQuery(department_id=department, limit=20), NOW)
    reads: list[tuple[bool, Callable[[], Any]]] = []
    for sort in queue.QueueSort:
        for q in (
            queue.QueueQuery(assignee=agent, sort=sort),
            queue.QueueQuery(department_id=department, sort=sort),
            queue.QueueQuery(department_id=department, assignee="unassigned", sort=sort),
            queue.QueueQuery(department_id=department, assignee=agent, sort=sort),
            queue.QueueQuery(department_id=department, statuses=(Status.RESOLVED,), sort=sort),
            queue.QueueQuery(department_id=department, priority=Priority.HIGH, sort=sort),
        ):
            reads.append((False, lambda q=q: queue.page(reader, q, NOW)))  # type: ignore[misc]
    reads.append(
        (
            False,
            lambda: queue.page(
                reader, queue.QueueQuery(department_id=department, cursor=after), NOW
            ),
        )
    )
    for s in (
        queue.TicketSearch(),
        queue.TicketSearch(department_id=department),
        queue.TicketSearch(assignee_id=agent, statuses=(Status.OPEN,)),
        queue.TicketSearch(customer_id=str(desk.customers[7])),
        queue.TicketSearch(within_departments=tuple(mine), agent_id=agent),
    ):
        reads.append((False, lambda s=s: queue.search(reader, s, NOW)))  # type: ignore[misc]
    for term in ("00000044", "#1234", "printer #12"):
        s = queue.TicketSearch(text=term, within_departments=tuple(mine), agent_id=agent)
        reads.append((True, lambda s=s: queue.search(reader, s, NOW)))  # type: ignore[misc]
    for t in (
        timers.TimerQuery(),
        timers.TimerQuery(sla_state=SLAState.ON_TRACK),
        timers.TimerQuery(department_id=department),
        timers.TimerQuery(within_departments=tuple(mine), agent_id=agent),
    ):
        reads.append((False, lambda t=t: timers.page(reader, t, NOW)))  # type: ignore[misc]
    for text, read in reads:
        noted.noted.clear()
        assert read()[0], f"the plans need rows to read ({len(noted.noted)})"
        statements = [(sql, p) for sql, p in noted.noted if "view_" in sql]
        assert len(statements) == 1, "a read is one statement"
        for sql, params in statements:
            lines = plan(views, sql, params)
            assert problems(views, lines, text) == [], f"{sql}\n" + "\n".join(lines)
            assert index_reads(views, lines) >= sql.count(" FROM view_"), "\n".join(lines)
