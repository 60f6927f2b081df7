"""Which department, priority and SLA plan a new ticket gets, which plan version it keeps
when the plan is revised, and which plan a transfer starts.

Every plan here is round the clock, so that due times are plain sums: the fixture clock
starts on Monday 2026-03-02 at 09:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path, problem
from .sla_fixtures import (
    Desk,
    agent_in,
    department,
    desk_for,
    events_of,
    open_ticket,
    plan,
    sla_of,
    topic,
)


@dataclass
class Organisation:
    standard: dict[str, Any]
    urgent: dict[str, Any]
    billing_plan: dict[str, Any]
    general: dict[str, Any]
    support: dict[str, Any]
    billing: dict[str, Any]
    unplanned: dict[str, Any]
    outage: dict[str, Any]
    password: dict[str, Any]


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    yield from desk_for(settings, clock)


@pytest.fixture
def client(desk: Desk) -> TestClient[Any]:
    return desk.client


@pytest.fixture
def org(admin: Caller) -> Organisation:
    standard = plan(admin, "Standard", 60, 480)
    urgent = plan(admin, "Urgent", 15, 120)
    billing_plan = plan(admin, "Billing", 240, 1440)
    general = department(admin, "General", standard["id"])
    support = department(admin, "IT Support", standard["id"])
    billing = department(admin, "Billing", billing_plan["id"])
    unplanned = department(admin, "Facilities")
    return Organisation(
        standard=standard,
        urgent=urgent,
        billing_plan=billing_plan,
        general=general,
        support=support,
        billing=billing,
        unplanned=unplanned,
        outage=topic(admin, "Online banking outage", support["id"], "high", urgent["id"]),
        password=topic(admin, "Password reset", billing["id"], "low"),
    )


@pytest.fixture
def agent(admin: Caller, org: Organisation) -> Caller:
    """An agent of every department."""
    departments = (org.general, org.support, org.billing, org.unplanned)
    return agent_in(admin, *(d["id"] for d in departments))


def test_a_help_topic_routes_a_ticket_to_its_department_priority_and_own_plan(
    org: Organisation, customer: Caller
) -> None:
    ticket = open_ticket(customer, help_topic_id=org.outage["id"])
    assert ticket["department_id"] == org.support["id"]
    assert (ticket["priority"], ticket["help_topic_id"]) == ("high", org.outage["id"])
    # The topic's plan overrides IT Support's standard plan.
    sla = ticket["sla"]
    assert (sla["plan_id"], sla["plan_version"], sla["state"]) == (
        org.urgent["id"],
        1,
        "on_track",
    )
    assert sla["first_response_due"] == "2026-03-02T09:15:00.000000Z"
    assert sla["resolution_due"] == "2026-03-02T11:00:00.000000Z"


def test_an_explicit_priority_wins_over_the_help_topics(
    org: Organisation, customer: Caller
) -> None:
    ticket = open_ticket(customer, help_topic_id=org.outage["id"], priority="low")
    assert ticket["priority"] == "low"
    assert ticket["department_id"] == org.support["id"]
    assert ticket["sla"]["plan_id"] == org.urgent["id"]


def test_a_help_topic_without_a_plan_brings_its_departments_plan(
    org: Organisation, customer: Caller
) -> None:
    ticket = open_ticket(customer, help_topic_id=org.password["id"])
    assert (ticket["department_id"], ticket["priority"]) == (org.billing["id"], "low")
    assert ticket["sla"]["plan_id"] == org.billing_plan["id"]
    assert ticket["sla"]["first_response_due"] == "2026-03-02T13:00:00.000000Z"
    assert ticket["sla"]["resolution_due"] == "2026-03-03T09:00:00.000000Z"


def test_without_a_topic_or_department_a_ticket_goes_to_the_default_department(
    org: Organisation, customer: Caller
) -> None:
    ticket = open_ticket(customer)
    assert (ticket["department_id"], ticket["priority"]) == (org.general["id"], "normal")
    sla = ticket["sla"]
    assert (sla["plan_id"], sla["plan_version"]) == (org.standard["id"], 1)
    assert sla["first_response_due"] == "2026-03-02T10:00:00.000000Z"
    assert sla["resolution_due"] == "2026-03-02T17:00:00.000000Z"
    assert (sla["paused"], sla["state"], sla["breaches"]) == (False, "on_track", [])


def test_staff_may_open_a_ticket_in_a_department_of_their_choice(
    org: Organisation, agent: Caller, customer: Caller
) -> None:
    ticket = open_ticket(agent, customer_id=customer.id, department_id=org.billing["id"])
    assert (ticket["department_id"], ticket["customer_id"]) == (org.billing["id"], customer.id)
    assert ticket["sla"]["plan_id"] == org.billing_plan["id"]


def test_a_department_without_a_plan_gives_a_ticket_no_sla_clock(
    org: Organisation, agent: Caller, customer: Caller
) -> None:
    ticket = open_ticket(agent, customer_id=customer.id, department_id=org.unplanned["id"])
    assert ticket["sla"]["plan_id"] is None
    assert ticket["sla"]["state"] == "none"
    assert events_of(agent, ticket["id"], "SLAStarted") == []


def test_an_unknown_help_topic_is_refused_by_name(org: Organisation, customer: Caller) -> None:
    answer = customer.post(
        "/v1/tickets", {"subject": "VPN down", "body": "Help.", "help_topic_id": str(uuid4())}
    )
    problem(answer, 400, "help_topic_id")


def test_a_plan_revised_mid_ticket_leaves_the_ticket_on_its_version(
    desk: Desk, org: Organisation, admin: Caller, agent: Caller, customer: Caller, clock: FakeClock
) -> None:
    before = open_ticket(customer)
    # The admin halves both targets of the default department's plan.
    revised = admin.post(
        f"/v1/sla-plans/{org.standard['id']}/versions",
        {"name": "Standard", "first_response_minutes": 30, "resolution_minutes": 240},
    )
    assert ok(revised)["version"] == 2
    after = open_ticket(customer)
    assert sla_of(agent, before["id"]) == before["sla"]
    assert before["sla"]["plan_version"] == 1
    assert (after["sla"]["plan_id"], after["sla"]["plan_version"]) == (org.standard["id"], 2)
    assert after["sla"]["first_response_due"] == "2026-03-02T09:30:00.000000Z"
    assert after["sla"]["resolution_due"] == "2026-03-02T13:00:00.000000Z"
    # At 09:45 only the new ticket is late: the first is judged under version 1.
    clock.advance(minutes=45)
    desk.tick()
    assert events_of(agent, before["id"], "SLABreached") == []
    assert len(events_of(agent, after["id"], "SLABreached")) == 1
    assert sla_of(agent, before["id"])["state"] == "on_track"


def test_a_ticket_reopened_after_a_revision_keeps_its_plan_version(
    org: Organisation, admin: Caller, agent: Caller, customer: Caller, clock: FakeClock
) -> None:
    ticket_id = open_ticket(customer)["id"]
    ok(agent.post(path(ticket_id, "resolve"), {"resolution": "Restarted the router."}))
    body = {"name": "Standard", "first_response_minutes": 30, "resolution_minutes": 240}
    ok(admin.post(f"/v1/sla-plans/{org.standard['id']}/versions", body))
    clock.advance(minutes=10)
    sla = ok(customer.post(path(ticket_id, "reopen"), {"reason": "Down again."}))["sla"]
    assert (sla["plan_version"], sla["cycle"]) == (1, 2)
    assert sla["resolution_due"] == "2026-03-02T17:10:00.000000Z"


def test_a_transfer_to_a_department_with_another_plan_starts_that_plan(
    org: Organisation, agent: Caller, customer: Caller, clock: FakeClock
) -> None:
    ticket_id = open_ticket(customer)["id"]
    clock.advance(minutes=5)
    moved = ok(agent.post(path(ticket_id, "transfer"), {"department_id": org.billing["id"]}))
    first, second = events_of(agent, ticket_id, "SLAStarted")
    assert first["data"]["terms"]["plan_id"] == org.standard["id"]
    assert second["data"]["terms"]["plan_id"] == org.billing_plan["id"]
    assert second["occurred_at"] == "2026-03-02T09:05:00.000000Z"
    sla = moved["sla"]
    assert (sla["plan_id"], sla["plan_version"]) == (org.billing_plan["id"], 1)
    assert sla["first_response_due"] == "2026-03-02T13:05:00.000000Z"
    assert sla["resolution_due"] == "2026-03-03T09:05:00.000000Z"


def test_a_transfer_to_a_department_with_the_same_plan_keeps_the_clock(
    org: Organisation, agent: Caller, customer: Caller, clock: FakeClock
) -> None:
    ticket = open_ticket(customer)
    clock.advance(minutes=5)
    moved = ok(agent.post(path(ticket["id"], "transfer"), {"department_id": org.support["id"]}))
    assert len(events_of(agent, ticket["id"], "SLAStarted")) == 1
    assert moved["sla"] == ticket["sla"]
