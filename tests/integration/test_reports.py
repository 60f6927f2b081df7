"""The daily reports on real stores: a help desk worked through the application, the
projection runner caught up, then the report rows, counted by hand; rebuilt from the log,
the rows stay the same.

March 2026: Friday the 6th, Monday the 9th, Tuesday the 10th. IT works Monday to Friday,
09:00 to 17:00 UTC (first response 60, resolution 480 business minutes); Sales round the
clock (first response 30, resolution 120 minutes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import HelpDesk
from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.organisation import AssignMode, PlanTerms
from domain.pipeline import Intent
from domain.values import Actor, Origin, Priority, Role, Status
from projections.reports.handlers import ReportsProjection
from projections.reports.queries import daily
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services
from workers.projections import ProjectionRunner, rebuild

from ..conftest import FakeClock
from .projection_helpers import live, logged, opened, replayed

ADMIN = Actor(uuid4(), Role.ADMIN)
CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
OFFICE_HOURS = BusinessCalendar.define(
    "UTC", {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}, []
)
PAUSES = (Status.AWAITING_CUSTOMER,)
KNOWN = (
    "day",
    "group_id",
    "created",
    "first_responses",
    "resolved",
    "reopened",
    "closed",
    "sla_breaches",
    *(
        f"{metric}{clock}_minutes_{q}"
        for metric in ("first_response", "resolution")
        for clock in ("", "_wall")
        for q in ("p50", "p90")
    ),
    "csat_avg",
)
"""The fields of a report row these tests know (the report may say more)."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def said(actor: Actor, when: datetime) -> Intent:
    return Intent(Origin(actor, when, uuid4(), uuid4()))


@dataclass
class Desk:
    it: UUID
    sales: UUID
    ann: UUID
    bob: UUID


def organisation(desk: HelpDesk) -> tuple[Desk, UUID]:
    """IT (the default department) and Sales, an agent in each; and the help topic to Sales."""
    setup = said(ADMIN, at(6, 8))
    office = desk.define_calendar("Office", OFFICE_HOURS, setup).aggregate_id
    office_plan = desk.define_plan("Office", PlanTerms(60, 480, None, 80, PAUSES, office), setup)
    always = desk.define_plan("24x7", PlanTerms(30, 120, None, 80, PAUSES, None), setup)
    it = desk.define_department("IT", office_plan.aggregate_id, AssignMode.NONE, 7, 14, setup)
    sales = desk.define_department("Sales", always.aggregate_id, AssignMode.NONE, 7, 14, setup)
    topic = desk.define_help_topic("Buying", sales.aggregate_id, Priority.NORMAL, None, setup)
    ann, bob = (
        desk.register_person(
            name=name,
            email=f"{name.lower()}@example.com",
            role=Role.AGENT,
            department_ids=[department.aggregate_id],
            intent=setup,
        ).outcome.aggregate_id
        for name, department in (("Ann", it), ("Bob", sales))
    )
    return Desk(it.aggregate_id, sales.aggregate_id, ann, bob), topic.aggregate_id


def open_ticket(desk: HelpDesk, when: datetime, topic: UUID | None = None) -> UUID:
    return desk.open_ticket(
        subject="The printer is on fire",
        body="Smoke from the tray.",
        priority=None,
        customer_id=None,
        department_id=None,
        help_topic_id=topic,
        intent=said(CUSTOMER, when),
    ).aggregate_id


def work(desk: HelpDesk) -> Desk:
    """Three tickets: one over a weekend, reopened and resolved again; one answered late;
    one answered just after midnight."""
    people, sales_topic = organisation(desk)
    ann, bob = Actor(people.ann, Role.AGENT), Actor(people.bob, Role.AGENT)

    weekend = open_ticket(desk, at(6, 16))
    desk.assign(weekend, ann.id, said(ann, at(6, 16, 5)))
    desk.reply(weekend, "Which printer?", said(ann, at(6, 16, 20)))
    desk.resolve(weekend, "Replaced the fuser.", said(ann, at(9, 10)))
    desk.review(weekend, 4, "Slow, but fixed.", said(CUSTOMER, at(9, 10, 30)))
    desk.reopen(weekend, "It smokes again.", said(CUSTOMER, at(9, 11)))
    desk.resolve(weekend, "Replaced the tray.", said(ann, at(9, 12)))
    desk.close_ticket(weekend, said(CUSTOMER, at(9, 12, 30)))

    late = open_ticket(desk, at(9, 9), sales_topic)
    desk.assign(late, bob.id, said(bob, at(9, 9, 1)))
    desk.reply(late, "Which model?", said(bob, at(9, 9, 45)))  # due 09:30: breached
    desk.resolve(late, "Sold a new one.", said(bob, at(9, 10)))
    desk.close_ticket(late, said(CUSTOMER, at(9, 10, 10)))

    midnight = open_ticket(desk, at(9, 23, 50), sales_topic)
    desk.assign(midnight, bob.id, said(bob, at(9, 23, 51)))
    desk.reply(midnight, "On it.", said(bob, at(10, 0, 10)))
    return people


def row(
    day: int,
    group: UUID,
    first_response: tuple[float, float] | None = None,
    resolution: tuple[float, float] | None = None,
    resolution_wall: tuple[float, float] | None = None,
    csat_avg: float | None = None,
    **counts: int,
) -> dict[str, Any]:
    """An expected report row: (p50, p90) in business minutes, the same on the wall clock
    unless given; counts not given are zero."""
    found: dict[str, Any] = dict.fromkeys(KNOWN, 0)
    found.update(day=f"2026-03-{day:02d}", group_id=str(group), csat_avg=csat_avg, **counts)
    for metric, business, wall in (
        ("first_response", first_response, first_response),
        ("resolution", resolution, resolution_wall or resolution),
    ):
        for infix, pair in (("", business), ("_wall", wall)):
            for n, q in enumerate(("p50", "p90")):
                found[f"{metric}{infix}_minutes_{q}"] = None if pair is None else pair[n]
    return found


def by_department(d: Desk) -> list[dict[str, Any]]:
    return [
        row(6, d.it, first_response=(20.0, 20.0), created=1, first_responses=1),
        row(
            9,
            d.it,
            resolution=(60.0, 120.0),
            resolution_wall=(60.0, 3960.0),
            csat_avg=4.0,
            resolved=2,
            reopened=1,
            closed=1,
        ),
        row(
            9,
            d.sales,
            first_response=(45.0, 45.0),
            resolution=(60.0, 60.0),
            created=2,
            first_responses=1,
            resolved=1,
            closed=1,
            sla_breaches=1,
        ),
        row(10, d.sales, first_response=(20.0, 20.0), first_responses=1),
    ]


def by_agent(d: Desk) -> list[dict[str, Any]]:
    return [
        row(6, d.ann, first_response=(20.0, 20.0), first_responses=1),
        row(
            9,
            d.ann,
            resolution=(60.0, 120.0),
            resolution_wall=(60.0, 3960.0),
            csat_avg=4.0,
            resolved=2,
            reopened=1,
            closed=1,
        ),
        row(
            9,
            d.bob,
            first_response=(45.0, 45.0),
            resolution=(60.0, 60.0),
            first_responses=1,
            resolved=1,
            closed=1,
            sla_breaches=1,
        ),
        row(10, d.bob, first_response=(20.0, 20.0), first_responses=1),
    ]


def report(services: Services, first: int, last: int, group_by: str) -> list[dict[str, Any]]:
    rows = daily(services.views, date(2026, 3, first), date(2026, 3, last), group_by)
    assert [r["day"] for r in rows] == sorted(r["day"] for r in rows), "rows out of day order"
    assert all(set(r) >= set(KNOWN) for r in rows)
    return in_order([{k: r[k] for k in KNOWN} for r in rows])


def in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["day"], r["group_id"]))


@pytest.fixture
def worked(
    settings: Settings, clock: FakeClock
) -> Iterator[tuple[Services, Desk, ProjectionRunner]]:
    with opened(settings, clock) as services:
        people = work(services.helpdesk)
        runner = Runtime(services).projection_runner()
        runner.start()
        while runner.step():
            pass
        yield services, people, runner


def test_the_daily_report_per_department_is_the_hand_counted_one(worked):
    services, people, _ = worked

    assert report(services, 1, 31, "department") == in_order(by_department(people))


def test_the_daily_report_per_agent_is_the_hand_counted_one(worked):
    services, people, _ = worked

    assert report(services, 1, 31, "agent") == in_order(by_agent(people))


def test_a_report_holds_only_the_days_asked_for(worked):
    services, people, _ = worked

    monday = [r for r in by_department(people) if r["day"] == "2026-03-09"]
    assert report(services, 9, 9, "department") == in_order(monday)
    assert report(services, 11, 31, "department") == []


def test_the_stored_rows_are_the_rows_the_log_gives_in_memory(worked):
    services, _, _ = worked

    assert live(services, ReportsProjection) == replayed(ReportsProjection, logged(services))


def test_rebuilding_the_reports_twice_gives_the_same_rows(worked):
    services, people, runner = worked
    before = tables(services)

    rebuild(runner, ReportsProjection)
    once = tables(services)
    rebuild(runner, ReportsProjection)
    twice = tables(services)

    assert once == before
    assert twice == before
    assert report(services, 1, 31, "department") == in_order(by_department(people))
    assert report(services, 1, 31, "agent") == in_order(by_agent(people))


def tables(services: Services) -> dict[str, list[dict[str, Any]]]:
    return {t.name: services.views.rows(ReportsProjection, t) for t in ReportsProjection.tables}
