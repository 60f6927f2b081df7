"""The directory read model on each real store, fed by the runner from the application's
own commands: it shows people and the organisation as the API shows them today, pages
by keyset in the order of creation, answers the assigner's and the notifier's
questions, and a rebuild from position 0 gives the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest

from api import calendars, departments, help_topics, sla_plans
from api.people import person_view
from domain.calendar import BusinessCalendar
from domain.organisation import (
    AssignMode,
    PlanTerms,
)
from domain.values import Actor, Priority, Role, Status
from projections.directory import queries
from projections.directory.handlers import DirectoryProjection, Kind
from projections.directory.queries import Contact
from projections.pages import BadCursor
from wiring.config import Settings
from wiring.services import Services
from workers.projections import ProjectionRunner, rebuild

from ..conftest import FakeClock
from .projection_helpers import catch_up, live, logged, opened, replayed, said, small_runner

ADMIN = Actor(uuid4(), Role.ADMIN)
STAFF = frozenset(Role) - {Role.CUSTOMER, Role.SYSTEM}
PEOPLE = ("Ann", "Cid", "Bob", "Sue", "Cat", "Zed", "Sam", "Dee", "Aud")
"""Everyone `organisation` registers, in that order."""


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


@pytest.fixture
def runner(services: Services) -> ProjectionRunner:
    runner = small_runner(services, batch=5)
    runner.start()
    return runner


def terms(minutes: int, calendar_id: UUID | None = None) -> PlanTerms:
    return PlanTerms(minutes, minutes * 8, None, 80, (Status.AWAITING_CUSTOMER,), calendar_id)


def department(services: Services, clock: FakeClock, name: str, plan: UUID | None = None) -> UUID:
    return services.helpdesk.define_department(
        name, plan, AssignMode.ROUND_ROBIN, 7, 14, said(ADMIN, clock)
    ).aggregate_id


def person(services: Services, clock: FakeClock, name: str, role: Role, *departments: UUID) -> UUID:
    return services.helpdesk.register_person(
        name=name,
        email=f"{name.lower()}@example.com",
        role=role,
        department_ids=list(departments),
        intent=said(ADMIN, clock),
    ).outcome.aggregate_id


def organisation(services: Services, clock: FakeClock) -> dict[str, UUID]:
    """Every kind of organisation item, a revised plan, and people of every role."""
    desk = services.helpdesk
    hours = {"mon": [["09:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]]}
    calendar = BusinessCalendar.define("Europe/Paris", hours, ["2026-12-25"])
    office = desk.define_calendar("Paris office", calendar, said(ADMIN, clock)).aggregate_id
    always = desk.define_calendar("Always", calendar, said(ADMIN, clock)).aggregate_id
    plan = desk.define_plan("Standard", terms(60), said(ADMIN, clock)).aggregate_id
    desk.revise_plan(plan, "Standard+", terms(30, office), said(ADMIN, clock))
    support = department(services, clock, "Support", plan)
    billing = department(services, clock, "Billing")
    refunds = desk.define_help_topic("Refunds", billing, Priority.HIGH, plan, said(ADMIN, clock))
    outage = desk.define_help_topic("Outage", support, Priority.URGENT, None, said(ADMIN, clock))
    ids = {
        "office": office,
        "always": always,
        "support": support,
        "billing": billing,
        "plan": plan,
        "refunds": refunds.aggregate_id,
        "outage": outage.aggregate_id,
    }
    for name, role, works_in in (
        ("Ann", Role.AGENT, (support,)),
        ("Cid", Role.CUSTOMER, ()),
        ("Bob", Role.AGENT, (support, billing)),
        ("Sue", Role.SUPERVISOR, (support,)),
        ("Cat", Role.AGENT, (billing,)),
        ("Zed", Role.ADMIN, (support,)),
        ("Sam", Role.SUPERVISOR, ()),
        ("Dee", Role.CUSTOMER, ()),
        ("Aud", Role.AUDITOR, ()),
    ):
        ids[name] = person(services, clock, name, role, *works_in)
    desk.set_away(ids["Ann"], True, said(ADMIN, clock))
    return ids


def everything(views: Any, kind: Kind) -> list[Any]:
    items, _ = queries.organisation(views, kind, 200, None)
    return items


def test_the_directory_shows_what_the_api_shows_and_a_rebuild_gives_the_same_rows(
    services: Services, clock: FakeClock, runner: ProjectionRunner
):
    ids = organisation(services, clock)
    catch_up(runner)
    desk, views = services.helpdesk, services.views

    # Then each organisation item is what the API shows of its aggregate
    default = desk.default_department()
    assert queries.default_department(views) == default == ids["support"]
    for kind, shown, names in (
        (Kind.CALENDAR, calendars.shown, ("office", "always")),
        (Kind.PLAN, sla_plans.shown, ("plan",)),
        (Kind.DEPARTMENT, departments.shown, ("support", "billing")),
        (Kind.HELP_TOPIC, help_topics.shown, ("refunds", "outage")),
    ):
        expected = [shown(services, ids[name]) for name in names]
        assert everything(views, kind) == expected
        for name, document in zip(names, expected, strict=True):
            assert queries.organisation_item(views, kind, ids[name]) == document
    assert [v["version"] for v in everything(views, Kind.PLAN)[0]["versions"]] == [1, 2]

    # And each person is the API's view of them, without a token, in registration order
    registered = [desk.person(ids[name]) for name in PEOPLE]
    for roles in (STAFF, frozenset({Role.CUSTOMER})):
        expected = [
            {**msgspec.to_builtins(person_view(p)), "token": None}
            for p in registered
            if p.role in roles
        ]
        items, cursor = queries.people(views, roles, 200, None)
        assert [{**item, "token": None} for item in items] == expected
        assert cursor is None
    ann = queries.person(views, ids["Ann"])
    assert ann is not None
    assert ann["away"] is True
    assert queries.person(views, uuid4()) is None
    assert queries.organisation_item(views, Kind.PLAN, ids["support"]) is None

    # And the rows are the log replayed in memory, and a rebuild from position 0
    rows = live(services, DirectoryProjection)
    assert rows == replayed(DirectoryProjection, logged(services))
    rebuild(runner, DirectoryProjection)
    assert live(services, DirectoryProjection) == rows

    # And the rebuilt generation follows later changes as the first one did
    desk.set_away(ids["Ann"], False, said(ADMIN, clock))
    desk.revise_plan(ids["plan"], "Gold", terms(15), said(ADMIN, clock))
    catch_up(runner)
    assert live(services, DirectoryProjection) == replayed(DirectoryProjection, logged(services))
    assert queries.available_agents(views, ids["support"]) == [ids["Ann"], ids["Bob"]]
    assert everything(views, Kind.PLAN)[0]["name"] == "Gold"


def pages(read: Any, limit: int) -> list[list[str]]:
    """Every page of a listing, following its cursors, as lists of names."""
    found, cursor = read(limit, None)
    names = [[item["name"] for item in found]]
    while cursor is not None:
        found, cursor = read(limit, cursor)
        names.append([item["name"] for item in found])
    return names


def test_listings_page_by_keyset_in_the_order_of_creation(
    services: Services, clock: FakeClock, runner: ProjectionRunner
):
    organisation(services, clock)
    for n in range(3):
        services.helpdesk.define_help_topic(
            f"Topic {n}",
            department(services, clock, f"D{n}"),
            Priority.LOW,
            None,
            said(ADMIN, clock),
        )
    catch_up(runner)
    views = services.views

    def staff(limit: int, cursor: str | None) -> Any:
        return queries.people(views, STAFF, limit, cursor)

    def customers(limit: int, cursor: str | None) -> Any:
        return queries.people(views, frozenset({Role.CUSTOMER}), limit, cursor)

    def workers(limit: int, cursor: str | None) -> Any:
        return queries.people(views, frozenset({Role.SUPERVISOR, Role.AGENT}), limit, cursor)

    def topics(limit: int, cursor: str | None) -> Any:
        return queries.organisation(views, Kind.HELP_TOPIC, limit, cursor)

    assert pages(staff, 2) == [["Ann", "Bob"], ["Sue", "Cat"], ["Zed", "Sam"], ["Aud"]]
    assert pages(staff, 7) == [["Ann", "Bob", "Sue", "Cat", "Zed", "Sam", "Aud"]]
    assert pages(customers, 1) == [["Cid"], ["Dee"]]
    assert pages(workers, 3) == [["Ann", "Bob", "Sue"], ["Cat", "Sam"]]
    assert pages(topics, 2) == [["Refunds", "Outage"], ["Topic 0", "Topic 1"], ["Topic 2"]]
    assert pages(lambda limit, cursor: queries.people(views, frozenset(), limit, cursor), 5) == [[]]
    with pytest.raises(BadCursor):
        customers(2, "not a cursor")


def test_the_assigner_and_notifier_questions_follow_departments_roles_and_availability(
    services: Services, clock: FakeClock, runner: ProjectionRunner
):
    ids = organisation(services, clock)
    catch_up(runner)
    views = services.views
    support, billing = ids["support"], ids["billing"]

    # Ann is away; Sue supervises and Zed administers Support without being its agents
    assert queries.available_agents(views, support) == [ids["Bob"]]
    assert queries.available_agents(views, billing) == [ids["Bob"], ids["Cat"]]
    assert queries.available_agents(views, uuid4()) == []

    # Its agents, away or not, and every supervisor, in the order they registered
    def contacts(*names: str) -> list[Contact]:
        return [Contact(ids[n], f"{n.lower()}@example.com") for n in names]

    assert queries.staff_to_notify(views, support) == contacts("Ann", "Bob", "Sue", "Sam")
    assert queries.staff_to_notify(views, billing) == contacts("Bob", "Sue", "Cat", "Sam")
    assert queries.staff_to_notify(views, uuid4()) == []

    services.helpdesk.set_away(ids["Bob"], True, said(ADMIN, clock))
    services.helpdesk.set_away(ids["Ann"], False, said(ADMIN, clock))
    catch_up(runner)
    assert queries.available_agents(views, support) == [ids["Ann"]]
    assert queries.available_agents(views, billing) == [ids["Cat"]]
