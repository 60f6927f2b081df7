"""The directory projection, given organisation events, then rows: in
memory, without a store."""

from __future__ import annotations

import json

from domain.calendar import BusinessCalendar
from domain.organisation import (
    DefaultDepartment,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from domain.timefmt import rfc3339
from domain.values import Priority, Role, Status
from projections.base import MemoryRows
from projections.directory import documents
from projections.directory.handlers import (
    DEFAULT_DEPARTMENT,
    ORGANISATION,
    PEOPLE,
    Kind,
)
from tests.builders import START, later, origin

from .directory_builders import (
    ADMIN,
    BILLING,
    SUPPORT,
    TERMS,
    ann_actor,
    department,
    document,
    fed,
    registered,
    table,
    the_id,
)


def test_a_calendar_shows_its_zone_working_days_and_sorted_holidays():
    calendar = BusinessCalendar.define(
        "Europe/Paris",
        {"mon": [["09:00", "12:00"], ["13:30", "17:00"]], "fri": [["09:00", "24:00"]]},
        ["2026-12-25", "2026-01-01"],
    )
    rows = MemoryRows()
    fed(rows, WorkCalendar.define(the_id("cal"), "Paris office", calendar, origin(ADMIN)), at=4)

    row = table(rows, ORGANISATION.name)[(Kind.CALENDAR.value, str(the_id("cal")))]
    assert row["position"] == 4
    assert document(rows, Kind.CALENDAR, the_id("cal")) == {
        "id": str(the_id("cal")),
        "name": "Paris office",
        "timezone": "Europe/Paris",
        "hours": {"mon": [["09:00", "12:00"], ["13:30", "17:00"]], "fri": [["09:00", "24:00"]]},
        "holidays": ["2026-01-01", "2026-12-25"],
        "created_at": rfc3339(START),
    }


STANDARD = {
    "first_response_minutes": 60,
    "resolution_minutes": 480,
    "next_response_minutes": None,
    "calendar_id": None,
    "warn_at_percent": 80,
    "pause_statuses": ["awaiting_customer"],
}
"""TERMS as the API shows them."""


def test_a_plan_shows_every_version_and_its_current_terms_at_the_top():
    plan_id, calendar_id = the_id("plan"), the_id("cal")
    tighter = PlanTerms(30, 240, 60, 75, (Status.OPEN, Status.AWAITING_CUSTOMER), calendar_id)
    rows = MemoryRows()
    plan = SLAPlan.define(plan_id, "Standard", TERMS, origin(ADMIN))
    fed(rows, plan, at=2)
    assert document(rows, Kind.PLAN, plan_id) == {
        "id": str(plan_id),
        "name": "Standard",
        "versions": [{"version": 1, **STANDARD}],
        "created_at": rfc3339(START),
        "version": 1,
        **STANDARD,
    }

    # Revised in one batch, then again in the next
    plan.revise("Standard+", tighter, origin(ADMIN, later(60)))
    fed(rows, plan, at=9)
    plan.revise("Gold", TERMS, origin(ADMIN, later(90)))
    fed(rows, plan, at=12)

    assert document(rows, Kind.PLAN, plan_id) == {
        "id": str(plan_id),
        "name": "Gold",
        "versions": [
            {"version": 1, **STANDARD},
            {
                "version": 2,
                "first_response_minutes": 30,
                "resolution_minutes": 240,
                "next_response_minutes": 60,
                "calendar_id": str(calendar_id),
                "warn_at_percent": 75,
                "pause_statuses": ["open", "awaiting_customer"],
            },
            {"version": 3, **STANDARD},
        ],
        "created_at": rfc3339(START),
        "version": 3,
        **STANDARD,
    }
    assert table(rows, ORGANISATION.name)[(Kind.PLAN.value, str(plan_id))]["position"] == 2


def test_a_plan_defined_and_revised_in_one_batch_has_both_versions():
    plan = SLAPlan.define(the_id("plan"), "Standard", TERMS, origin(ADMIN))
    plan.revise("Standard", TERMS, origin(ADMIN, later(1)))
    rows = MemoryRows()
    fed(rows, plan, at=1)

    shown = document(rows, Kind.PLAN, plan.id)
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shown["version"] == 2


def test_the_first_department_is_shown_as_the_default_and_named_by_the_pointer():
    rows = MemoryRows()
    # Saved as the application saves them: the department, then its claim
    fed(
        rows,
        department("Support", SUPPORT, the_id("plan")),
        DefaultDepartment.claim(SUPPORT, origin(ADMIN)),
        at=3,
    )
    fed(rows, department("Billing", BILLING), at=5)

    assert document(rows, Kind.DEPARTMENT, SUPPORT) == {
        "id": str(SUPPORT),
        "name": "Support",
        "sla_plan_id": str(the_id("plan")),
        "auto_assign": "round_robin",
        "auto_close_days": 5,
        "reopen_days": 10,
        "default": True,
        "created_at": rfc3339(later(2)),
    }
    assert document(rows, Kind.DEPARTMENT, BILLING)["default"] is False
    assert document(rows, Kind.DEPARTMENT, BILLING)["sla_plan_id"] is None
    pointer = table(rows, ORGANISATION.name)[DEFAULT_DEPARTMENT]
    assert json.loads(pointer["data"]) == str(SUPPORT)


def test_a_claim_in_a_later_batch_marks_the_stored_department():
    rows = MemoryRows()
    fed(rows, department("Support", SUPPORT), at=3)
    fed(rows, DefaultDepartment.claim(SUPPORT, origin(ADMIN)), at=4)

    assert document(rows, Kind.DEPARTMENT, SUPPORT)["default"] is True
    assert table(rows, ORGANISATION.name)[(Kind.DEPARTMENT.value, str(SUPPORT))]["position"] == 3


def test_a_help_topic_shows_where_it_routes():
    topic = HelpTopic.define(
        the_id("topic"), "Refunds", BILLING, Priority.HIGH, None, origin(ADMIN)
    )
    rows = MemoryRows()
    fed(rows, topic, at=6)

    assert document(rows, Kind.HELP_TOPIC, topic.id) == {
        "id": str(topic.id),
        "name": "Refunds",
        "department_id": str(BILLING),
        "priority": "high",
        "sla_plan_id": None,
        "created_at": rfc3339(START),
    }


def test_rows_keep_the_log_order_of_creation_whatever_changes_later():
    rows = MemoryRows()
    people = [
        registered(n, r, (SUPPORT,))
        for n, r in (("Ann", Role.AGENT), ("Cid", Role.CUSTOMER), ("Sue", Role.SUPERVISOR))
    ]
    fed(rows, *people, at=20)
    people[0].set_away(True, origin(ann_actor(), later(1)))
    fed(rows, people[0], at=30)

    by_position = sorted(table(rows, PEOPLE.name).values(), key=lambda r: r["position"])
    assert [r["name"] for r in by_position] == ["Ann", "Cid", "Sue"]
    assert [r["position"] for r in by_position] == [20, 21, 22]


def test_events_of_no_interest_and_changes_to_unknown_rows_change_nothing():
    ghost = registered("Ghost", Role.AGENT, (SUPPORT,))
    ghost.collect_events()
    ghost.set_away(True, origin(ann_actor()))
    ghost.issue_token(the_id("token"), origin(ADMIN))
    plan = SLAPlan.define(the_id("plan"), "Standard", TERMS, origin(ADMIN))
    plan.collect_events()
    plan.revise("Gold", TERMS, origin(ADMIN))
    rows = MemoryRows()
    fed(rows, ghost, plan, at=1)

    assert all(not t for t in rows.tables.values())


def test_an_aggregate_gives_the_document_its_events_give():
    calendar = BusinessCalendar.define("UTC", {"wed": [["08:00", "16:00"]]}, ["2026-05-01"])
    office = WorkCalendar.define(the_id("cal"), "Office", calendar, origin(ADMIN))
    plan = SLAPlan.define(the_id("plan"), "Standard", TERMS, origin(ADMIN))
    plan.revise("Gold", PlanTerms(5, 50, 10, 90, (), office.id), origin(ADMIN, later(3)))
    support = department("Support", SUPPORT, plan.id)
    topic = HelpTopic.define(
        the_id("topic"), "Outage", SUPPORT, Priority.URGENT, None, origin(ADMIN)
    )
    rows = MemoryRows()
    fed(rows, office, plan, support, DefaultDepartment.claim(SUPPORT, origin(ADMIN)), topic, at=1)

    assert documents.calendar(office.id, office.created_on, office) == document(
        rows, Kind.CALENDAR, office.id
    )
    assert documents.plan(plan.id, plan.created_on, plan.name, plan.versions) == document(
        rows, Kind.PLAN, plan.id
    )
    assert documents.department(support.id, support.created_on, support, default=True) == document(
        rows, Kind.DEPARTMENT, SUPPORT
    )
    assert documents.help_topic(topic.id, topic.created_on, topic) == document(
        rows, Kind.HELP_TOPIC, topic.id
    )
