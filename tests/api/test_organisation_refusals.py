"""What the organisation routes refuse: invalid calendars, plans and previews, references
to things that do not exist, and fields they do not know; each naming the field."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from .conftest import Caller
from .helpers import ok, problem
from .sla_fixtures import FRIDAY_4PM_IN_BERLIN, calendar_body, department, ids, plan

TARGETS = {"first_response_minutes": 60, "resolution_minutes": 480}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2026-03-06T16:00:00"}, "start"),
        ({"start": "Friday afternoon"}, "start"),
        ({"start": FRIDAY_4PM_IN_BERLIN, "priority": "high"}, "priority"),
        ({}, "start"),
    ],
    ids=["no-time-zone", "not-a-time", "unknown-field", "missing"],
)
def test_an_invalid_preview_is_refused_naming_the_field(
    admin: Caller, body: dict[str, Any], field: str
) -> None:
    standard = plan(admin, "Standard", 60, 480)
    problem(admin.post(f"/v1/sla-plans/{standard['id']}/preview", body), 400, field)


def test_previewing_an_unknown_plan_is_not_found(admin: Caller) -> None:
    # The path names the plan, as in GET /v1/sla-plans/{id} and POST .../versions (404).
    problem(admin.post(f"/v1/sla-plans/{uuid4()}/preview", {"start": FRIDAY_4PM_IN_BERLIN}), 404)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_response_minutes": 0}, "first_response_minutes"),
        ({"resolution_minutes": 525_601}, "resolution_minutes"),
        ({"warn_at_percent": 100}, "warn_at_percent"),
        ({"pause_statuses": ["resolved"]}, "pause_statuses[0]"),
        ({"calendar_id": "office"}, "calendar_id"),
        ({"name": ""}, "name"),
    ],
    ids=["no-minutes", "over-a-year", "warn-at-100", "pause-when-resolved", "bad-id", "no-name"],
)
def test_an_invalid_plan_is_refused_naming_the_field(
    admin: Caller, changes: dict[str, Any], field: str
) -> None:
    body = {"name": "P", **TARGETS, **changes}
    problem(admin.post("/v1/sla-plans", body), 400, field)
    assert ok(admin.get("/v1/sla-plans"))["items"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"hours": {"mon": [["09:00", "25:00"]]}}, "hours.mon[0]"),
        ({"hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "hours.mon[1]"),
        ({"hours": {"tue": [["17:00", "09:00"]]}}, "hours.tue[0]"),
        ({"holidays": ["2026-12-25", "2026-02-30"]}, "holidays[1]"),
        ({"hours": {"mon": [["09:00", "17:00"]], "funday": [["09:00", "17:00"]]}}, "hours.funday"),
        ({"hours": {"sat": []}}, "hours"),
        ({"colour": "blue"}, "colour"),
    ],
    ids=[
        "unknown-zone",
        "25-oclock",
        "overlapping-frames",
        "end-before-start",
        "no-such-date",
        "unknown-weekday",
        "no-hours-at-all",
        "unknown-field",
    ],
)
def test_an_invalid_calendar_is_refused_naming_the_field(
    admin: Caller, changes: dict[str, Any], field: str
) -> None:
    problem(admin.post("/v1/calendars", calendar_body(**changes)), 400, field)
    assert ok(admin.get("/v1/calendars"))["items"] == []


def test_a_reference_to_an_unknown_calendar_plan_or_department_is_refused_by_name(
    admin: Caller,
) -> None:
    nothing = str(uuid4())
    standard = plan(admin, "Standard", 60, 480)
    support = department(admin, "IT Support")
    revise = f"/v1/sla-plans/{standard['id']}/versions"
    on_no_calendar = {"name": "P", **TARGETS, "calendar_id": nothing}
    refused = [
        ("/v1/sla-plans", on_no_calendar, "calendar_id"),
        (revise, on_no_calendar, "calendar_id"),
        ("/v1/departments", {"name": "D", "sla_plan_id": nothing}, "sla_plan_id"),
        ("/v1/help-topics", {"name": "T", "department_id": nothing}, "department_id"),
        (
            "/v1/help-topics",
            {"name": "T", "department_id": support["id"], "sla_plan_id": nothing},
            "sla_plan_id",
        ),
    ]
    for route, body, field in refused:
        problem(admin.post(route, body), 400, field)
    assert ok(admin.get(f"/v1/sla-plans/{standard['id']}"))["version"] == 1
    assert ids(ok(admin.get("/v1/departments"))) == [support["id"]]
    assert ok(admin.get("/v1/help-topics"))["items"] == []


@pytest.mark.parametrize(
    "route", ["/v1/calendars", "/v1/sla-plans", "/v1/departments", "/v1/help-topics"]
)
def test_an_unknown_field_in_an_organisation_body_is_refused(admin: Caller, route: str) -> None:
    bodies: dict[str, dict[str, Any]] = {
        "/v1/calendars": calendar_body(),
        "/v1/sla-plans": {"name": "P", **TARGETS},
        "/v1/departments": {"name": "D"},
        "/v1/help-topics": {"name": "T", "department_id": str(uuid4())},
    }
    problem(admin.post(route, {**bodies[route], "owner": "me"}), 400, "owner")


def test_a_department_mail_address_that_is_not_one_plain_address_is_refused_naming_it(
    admin: Caller,
) -> None:
    answer = admin.post(
        "/v1/departments", {"name": "Billing", "mail_address": "a@x.example, b@evil.test"}
    )

    problem(answer, 400, "mail_address")


def test_a_department_shows_its_mail_address_and_a_second_claim_of_it_is_refused(
    admin: Caller,
) -> None:
    shown = ok(
        admin.post("/v1/departments", {"name": "Billing", "mail_address": "Billing@Desk.example"}),
        201,
    )

    assert shown["mail_address"] == "Billing@desk.example"
    problem(
        admin.post("/v1/departments", {"name": "Dup", "mail_address": "billing@desk.example"}), 409
    )
