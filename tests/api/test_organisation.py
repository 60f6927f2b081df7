"""The organisation routes (admin): calendars, SLA plans with versions and previews,
departments and help topics, and who may read and change them (what they refuse as
invalid: `test_organisation_refusals.py`)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from .conftest import Caller, register
from .helpers import RFC3339_MICROS, ok, problem
from .sla_fixtures import (
    FRIDAY_4PM_IN_BERLIN,
    NINE_TO_FIVE,
    calendar_body,
    define,
    department,
    ids,
    office_hours,
    plan,
    topic,
)


def test_an_admin_defines_a_calendar_and_reads_it_back(admin: Caller) -> None:
    answer = admin.post("/v1/calendars", calendar_body(holidays=["2026-12-25", "2026-12-24"]))
    calendar = ok(answer, 201)
    assert calendar["timezone"] == "Europe/Berlin"
    assert calendar["hours"] == NINE_TO_FIVE
    assert calendar["holidays"] == ["2026-12-24", "2026-12-25"]
    assert RFC3339_MICROS.match(calendar["created_at"])
    assert int(answer.headers["x-log-position"]) >= 1
    assert ok(admin.get(f"/v1/calendars/{calendar['id']}")) == calendar
    assert ok(admin.get("/v1/calendars"))["items"] == [calendar]


def test_a_new_plan_is_version_one_and_warns_at_eighty_percent_by_default(admin: Caller) -> None:
    calendar = office_hours(admin)
    standard = plan(admin, "Standard", 60, 480, calendar["id"])
    assert (standard["name"], standard["version"]) == ("Standard", 1)
    assert standard["first_response_minutes"] == 60
    assert standard["resolution_minutes"] == 480
    assert standard["calendar_id"] == calendar["id"]
    assert standard["warn_at_percent"] == 80
    assert standard["pause_statuses"] == ["awaiting_customer"]
    assert [v["version"] for v in standard["versions"]] == [1]
    assert ok(admin.get(f"/v1/sla-plans/{standard['id']}")) == standard
    assert ids(ok(admin.get("/v1/sla-plans"))) == [standard["id"]]


def test_revising_a_plan_adds_a_version_and_keeps_the_earlier_one(admin: Caller) -> None:
    standard = plan(admin, "Standard", 60, 480)
    answer = admin.post(
        f"/v1/sla-plans/{standard['id']}/versions",
        {"name": "Standard", "first_response_minutes": 30, "resolution_minutes": 240},
    )
    revised = ok(answer)
    assert revised["id"] == standard["id"]
    assert (revised["version"], revised["first_response_minutes"]) == (2, 30)
    first, second = revised["versions"]
    assert (first["version"], first["first_response_minutes"], first["resolution_minutes"]) == (
        1,
        60,
        480,
    )
    assert (second["version"], second["resolution_minutes"]) == (2, 240)
    assert ok(admin.get(f"/v1/sla-plans/{standard['id']}")) == revised


def test_revising_an_unknown_plan_is_not_found(admin: Caller) -> None:
    body = {"name": "Ghost", "first_response_minutes": 30, "resolution_minutes": 240}
    problem(admin.post(f"/v1/sla-plans/{uuid4()}/versions", body), 404)


def test_the_first_department_defined_is_the_default(admin: Caller) -> None:
    standard = plan(admin, "Standard", 60, 480)
    support = department(admin, "IT Support", standard["id"])
    billing = department(admin, "Billing")
    assert (support["default"], billing["default"]) == (True, False)
    assert support["sla_plan_id"] == standard["id"]
    assert (billing["sla_plan_id"], billing["auto_assign"]) == (None, "none")
    listed = ok(admin.get("/v1/departments"))["items"]
    assert [(d["name"], d["default"]) for d in listed] == [("IT Support", True), ("Billing", False)]
    assert ok(admin.get(f"/v1/departments/{billing['id']}")) == billing


def test_a_help_topic_names_its_department_priority_and_plan(admin: Caller) -> None:
    urgent = plan(admin, "Urgent", 15, 120)
    support = department(admin, "IT Support")
    outage = topic(admin, "Online banking outage", support["id"], "urgent", urgent["id"])
    assert outage["department_id"] == support["id"]
    assert (outage["priority"], outage["sla_plan_id"]) == ("urgent", urgent["id"])
    plain = topic(admin, "Password reset", support["id"], "low")
    assert plain["sla_plan_id"] is None
    assert ids(ok(admin.get("/v1/help-topics"))) == [outage["id"], plain["id"]]
    assert ok(admin.get(f"/v1/help-topics/{outage['id']}")) == outage


@pytest.mark.parametrize(
    ("holidays", "resolution_due"),
    [
        ([], "2026-03-09T15:00:00.000000Z"),
        (["2026-03-09"], "2026-03-10T15:00:00.000000Z"),
    ],
    ids=["monday-4pm-berlin", "tuesday-4pm-berlin-after-a-monday-holiday"],
)
def test_a_preview_counts_business_hours_across_the_weekend_and_a_holiday(
    admin: Caller, holidays: list[str], resolution_due: str
) -> None:
    calendar = office_hours(admin, tuple(holidays))
    standard = plan(admin, "Standard", 60, 480, calendar["id"])
    answer = admin.post(f"/v1/sla-plans/{standard['id']}/preview", {"start": FRIDAY_4PM_IN_BERLIN})
    # One hour is left on Friday (to 17:00 Berlin), seven more on the next working day.
    assert ok(answer) == {
        "first_response_due": "2026-03-06T16:00:00.000000Z",
        "resolution_due": resolution_due,
    }


def test_a_preview_across_the_change_to_summer_time_keeps_local_office_hours(
    admin: Caller,
) -> None:
    standard = plan(admin, "Standard", 60, 480, office_hours(admin)["id"])
    # Friday 27 March 16:00 CET; Berlin moves to CEST (UTC+2) on Sunday 29 March.
    start = {"start": "2026-03-27T15:00:00Z"}
    assert ok(admin.post(f"/v1/sla-plans/{standard['id']}/preview", start)) == {
        "first_response_due": "2026-03-27T16:00:00.000000Z",
        "resolution_due": "2026-03-30T14:00:00.000000Z",
    }


@pytest.mark.parametrize("role", ["agent", "supervisor", "auditor", "analyst", "customer"])
def test_only_an_admin_may_change_the_organisation(admin: Caller, role: str) -> None:
    if role == "customer":
        caller = register(admin, "/v1/customers", name="Jane Roe", email="jane@example.com")
    else:
        caller = register(admin, "/v1/agents", name="Sam", email="sam@example.com", role=role)
    standard = plan(admin, "Standard", 60, 480)
    support = department(admin, "IT Support", standard["id"])
    plan_body = {"name": "P", "first_response_minutes": 1, "resolution_minutes": 2}
    writes = [
        ("/v1/calendars", calendar_body()),
        ("/v1/sla-plans", plan_body),
        (f"/v1/sla-plans/{standard['id']}/versions", plan_body),
        ("/v1/departments", {"name": "D"}),
        ("/v1/help-topics", {"name": "T", "department_id": support["id"]}),
    ]
    for route, body in writes:
        problem(caller.post(route, body), 403)
    assert ok(admin.get(f"/v1/sla-plans/{standard['id']}"))["version"] == 1
    assert ids(ok(admin.get("/v1/departments"))) == [support["id"]]


def test_a_customer_reads_help_topics_but_not_the_rest_of_the_organisation(
    admin: Caller, customer: Caller
) -> None:
    calendar = office_hours(admin)
    standard = plan(admin, "Standard", 60, 480, calendar["id"])
    support = department(admin, "IT Support", standard["id"])
    outage = topic(admin, "Online banking outage", support["id"], "urgent")
    assert ids(ok(customer.get("/v1/help-topics"))) == [outage["id"]]
    assert ok(customer.get(f"/v1/help-topics/{outage['id']}")) == outage
    for route in (
        "/v1/departments",
        f"/v1/departments/{support['id']}",
        "/v1/sla-plans",
        f"/v1/sla-plans/{standard['id']}",
        "/v1/calendars",
        f"/v1/calendars/{calendar['id']}",
    ):
        problem(customer.get(route), 403)
    problem(customer.post(f"/v1/sla-plans/{standard['id']}/preview", {"start": "2026-03-06"}), 403)


def test_staff_read_the_organisation(admin: Caller, agent: Caller) -> None:
    standard = plan(admin, "Standard", 60, 480)
    support = define(admin, "/v1/departments", name="IT Support", sla_plan_id=standard["id"])
    assert ids(ok(agent.get("/v1/departments"))) == [support["id"]]
    assert ok(agent.get(f"/v1/sla-plans/{standard['id']}"))["name"] == "Standard"


@pytest.mark.parametrize("route", ["calendars", "sla-plans", "departments", "help-topics"])
def test_an_unknown_id_is_not_found(admin: Caller, route: str) -> None:
    problem(admin.get(f"/v1/{route}/{uuid4()}"), 404)


def test_the_organisation_lists_are_paged(admin: Caller) -> None:
    support = department(admin, "IT Support")
    names = ["Outage", "Password reset", "New laptop"]
    for name in names:
        topic(admin, name, support["id"], "normal")
    seen, cursor = [], None
    for _ in range(len(names) + 1):
        page = ok(admin.get("/v1/help-topics?limit=2" + (f"&cursor={cursor}" if cursor else "")))
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names
