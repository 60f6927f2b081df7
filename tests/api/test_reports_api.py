"""`GET /v1/reports/daily`: rows per UTC day and department (or agent), as JSON or CSV, for
supervisors and analysts only; malformed ranges are refused, naming the field.

The fixture clock starts on Monday 2026-03-02 at 09:00 UTC.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import ok, problem
from .projection_fixtures import app_client, command, open_ticket, staff, url

DAILY = "/v1/reports/daily"
ROW_FIELDS = {
    "day",
    "group_id",
    "created",
    "first_responses",
    "resolved",
    "reopened",
    "closed",
    "sla_breaches",
    "first_response_minutes_p50",
    "first_response_minutes_p90",
    "resolution_minutes_p50",
    "resolution_minutes_p90",
    "csat_avg",
}
"""The fields of every report row (API.md, Projections)."""
MONDAY = {"from": "2026-03-02", "to": "2026-03-02"}


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def department(admin: Caller) -> str:
    """IT Support, the first department and so the default one, with no SLA plan."""
    department_id: str = ok(admin.post("/v1/departments", {"name": "IT Support"}), 201)["id"]
    return department_id


@pytest.fixture
def agent(admin: Caller, department: str) -> Caller:
    return register(
        admin,
        "/v1/agents",
        name="John Doe",
        email="john@example.com",
        department_ids=[department],
    )


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return staff(admin, "supervisor", "Sue Pervisor")


@pytest.fixture
def monday(customer: Caller, agent: Caller, clock: FakeClock) -> int:
    """Two tickets opened at 09:00 and answered after 10 and 30 minutes; the first resolved
    at 09:40, rated 5 and closed. Answers the log position of the last command."""
    first, _ = open_ticket(customer, "Online Banking Outage")
    second, _ = open_ticket(customer, "Card declined")
    clock.advance(minutes=1)
    for ticket_id in (first, second):
        command(agent, ticket_id, "assign", {"agent_id": agent.id})
    for ticket_id, minutes in ((first, 9), (second, 20)):
        clock.advance(minutes=minutes)
        command(agent, ticket_id, "replies", {"body": "Looking into it."})
    clock.advance(minutes=10)
    command(agent, first, "resolve", {"resolution": "Reset the password."})
    clock.advance(minutes=1)
    command(customer, first, "review", {"rating": 5, "comment": "Quick and kind."})
    return command(customer, first, "close", {})


def expected(group_id: str, **counts: int) -> dict[str, Any]:
    return {
        "day": "2026-03-02",
        "group_id": group_id,
        "created": 0,
        "first_responses": 2,
        "resolved": 1,
        "reopened": 0,
        "closed": 1,
        "sla_breaches": 0,
        "first_response_minutes_p50": 10.0,
        "first_response_minutes_p90": 30.0,
        "resolution_minutes_p50": 40.0,
        "resolution_minutes_p90": 40.0,
        "first_response_wall_minutes_p50": 10.0,
        "first_response_wall_minutes_p90": 30.0,
        "resolution_wall_minutes_p50": 40.0,
        "resolution_wall_minutes_p90": 40.0,
        "csat_avg": 5.0,
        **counts,
    }


def report(caller: Caller, position: int, **query: Any) -> Any:
    return caller.get(url(DAILY, min_position=position, **{**MONDAY, **query}))


@pytest.mark.parametrize("reader", ["supervisor", "analyst"])
def test_supervisors_and_analysts_read_the_day_per_department(
    request: pytest.FixtureRequest, reader: str, monday: int, department: str
) -> None:
    page = ok(report(request.getfixturevalue(reader), monday))

    (row,) = page["items"]
    assert row.items() >= expected(department, created=2).items()
    assert row.keys() >= ROW_FIELDS
    assert page["next_cursor"] is None


def test_the_day_per_agent_counts_the_agents_work(
    analyst: Caller, monday: int, agent: Caller
) -> None:
    (row,) = ok(report(analyst, monday, group_by="agent"))["items"]

    assert row.items() >= expected(agent.id).items()


def test_a_range_without_activity_has_no_rows(analyst: Caller, monday: int) -> None:
    page = ok(report(analyst, monday, **{"from": "2026-03-03", "to": "2026-03-31"}))

    assert page == {"items": [], "next_cursor": None}


def test_the_report_as_csv_has_a_header_and_rows_of_its_width(
    analyst: Caller, monday: int, department: str
) -> None:
    answer = analyst.client.get(
        url(DAILY, min_position=monday, **MONDAY),
        headers=analyst.headers(Accept="text/csv"),
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(answer.text)))
    assert set(header) >= ROW_FIELDS
    assert {len(row) for row in rows} == {len(header)}
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert row.items() >= {k: str(v) for k, v in expected(department, created=2).items()}.items()


def csv_rows(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(answer.text)))
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_format_csv_answers_csv_whatever_the_accept_header_says(
    analyst: Caller, monday: int, department: str
) -> None:
    for accept in ("application/json", "*/*"):
        answer = analyst.client.get(
            url(DAILY, min_position=monday, format="csv", **MONDAY),
            headers=analyst.headers(Accept=accept),
        )
        (row,) = csv_rows(answer)
        assert row["group_id"] == department


def test_format_json_answers_json_even_to_a_csv_accept_header(
    analyst: Caller, monday: int, department: str
) -> None:
    answer = analyst.client.get(
        url(DAILY, min_position=monday, format="json", **MONDAY),
        headers=analyst.headers(Accept="text/csv"),
    )
    (row,) = ok(answer)["items"]
    assert row["group_id"] == department


def test_an_unknown_format_is_refused_naming_it(analyst: Caller) -> None:
    problem(analyst.get(url(DAILY, format="xlsx", **MONDAY)), 400, "format")


@pytest.mark.parametrize("reader", ["agent", "customer", "auditor", "admin"])
def test_other_roles_may_not_read_reports(
    request: pytest.FixtureRequest, client: TestClient[Any], reader: str
) -> None:
    caller = request.getfixturevalue(reader)

    problem(caller.get(url(DAILY, **MONDAY)), 403)


def test_a_caller_without_a_token_is_not_let_in(client: TestClient[Any]) -> None:
    problem(client.get(url(DAILY, **MONDAY)), 401)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-03-02junk"}, "from"),
        ({"to": "2026/03/02"}, "to"),
        ({"to": ""}, "to"),
        ({"group_by": "team"}, "group_by"),
        ({"from": "2026-03-03", "to": "2026-03-02"}, "to"),
        ({"from": "2025-01-01", "to": "2026-03-02"}, "to"),
    ],
    ids=[
        "from-words",
        "from-no-such-day",
        "from-with-junk",
        "to-slashes",
        "to-empty",
        "group-by-team",
        "to-before-from",
        "over-366-days",
    ],
)
def test_a_malformed_report_query_is_refused_naming_the_field(
    analyst: Caller, query: dict[str, str], field: str
) -> None:
    problem(analyst.get(url(DAILY, **{**MONDAY, **query})), 400, field)


@pytest.mark.parametrize("missing", ["from", "to"])
def test_a_report_needs_both_ends_of_its_range(analyst: Caller, missing: str) -> None:
    query = {k: v for k, v in MONDAY.items() if k != missing}

    problem(analyst.get(url(DAILY, **query)), 400, missing)
