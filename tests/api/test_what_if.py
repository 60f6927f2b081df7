"""`POST /v1/what-if/sla` on both stores: a Monday's tickets replayed under other plans.

Berlin office hours, 60 business minutes to the first response and 480 to the resolution;
the fixture clock starts Monday 2026-03-02 09:00 UTC (10:00 in Berlin). Three tickets open
then: one answered after 30 minutes and resolved at noon, one answered after 90 minutes
(late), one never answered (the SLA worker breaches it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from ticketing.cli import main
from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import log_head, ok, path, problem
from .sla_fixtures import Desk, agent_in, desk_for, office_plan, open_ticket

MONDAY = {"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z"}


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    yield from desk_for(settings, clock)


@pytest.fixture
def client(desk: Desk) -> TestClient[Any]:
    return desk.client


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return register(
        admin, "/v1/agents", name="Sue Pervisor", email="sue@example.com", role="supervisor"
    )


@pytest.fixture
def office(admin: Caller) -> tuple[dict[str, Any], dict[str, Any]]:
    return office_plan(admin)


@pytest.fixture
def monday(
    desk: Desk, clock: FakeClock, admin: Caller, customer: Caller, office: Any
) -> dict[str, Any]:
    """The Monday's three tickets worked, the SLA worker run until the evening."""
    agent = agent_in(admin, office[1]["id"])
    answered, late, _silent = (open_ticket(customer)["id"] for _ in range(3))
    clock.advance(minutes=30)
    ok(agent.post(path(answered, "replies"), {"body": "Looking."}))
    clock.advance(minutes=60)
    ok(agent.post(path(late, "replies"), {"body": "Sorry for the wait."}))
    clock.advance(minutes=90)
    ok(agent.post(path(answered, "resolve"), {"resolution": "Fixed."}))
    clock.advance(hours=6)
    desk.tick()
    return office[0]


def ask(caller: Caller, plan: dict[str, Any], **period: Any) -> dict[str, Any]:
    return ok(caller.post("/v1/what-if/sla", {"plan": plan, **MONDAY, **period}))


def tally(side: dict[str, Any], target: str) -> tuple[int, int, int]:
    counted = side[target]
    return counted["met"], counted["breached"], counted["open"]


def test_the_actual_plan_replayed_gives_exactly_what_happened(
    supervisor: Caller, monday: dict[str, Any]
) -> None:
    actual_plan = {
        "first_response_minutes": 60,
        "resolution_minutes": 480,
        "calendar_id": monday["calendar_id"],
    }
    found = ask(supervisor, actual_plan)
    total = found["total"]
    assert total["tickets"] == 3
    assert total["hypothetical"] == total["actual"]
    assert tally(total["actual"], "first_response") == (1, 2, 0)
    assert tally(total["actual"], "resolution") == (1, 0, 2)
    assert total["actual"]["first_response"]["p50_minutes"] == 30.0
    assert [day["day"] for day in found["days"]] == ["2026-03-02"]
    assert found["days"][0]["actual"] == total["actual"]


def test_a_stricter_plan_breaches_what_was_met_and_a_looser_one_meets_what_was_late(
    analyst: Caller, monday: dict[str, Any]
) -> None:
    stricter = ask(analyst, {"first_response_minutes": 15, "resolution_minutes": 60})
    assert tally(stricter["total"]["hypothetical"], "first_response") == (0, 3, 0)
    assert tally(stricter["total"]["hypothetical"], "resolution") == (0, 3, 0)
    looser = ask(analyst, {"first_response_minutes": 120, "resolution_minutes": 1440})
    assert tally(looser["total"]["hypothetical"], "first_response") == (2, 1, 0)
    assert looser["total"]["actual"] == stricter["total"]["actual"]


def test_an_inline_calendar_and_a_department_filter(
    supervisor: Caller, monday: dict[str, Any], office: Any
) -> None:
    """Under Saturday hours the Monday replies take no business time at all, and the
    silent ticket is not yet due."""
    weekend_only = {"timezone": "Europe/Berlin", "hours": {"sat": [["09:00", "17:00"]]}}
    plan = {"first_response_minutes": 60, "resolution_minutes": 480, "calendar": weekend_only}
    found = ask(supervisor, plan, department_id=office[1]["id"])
    assert found["total"]["tickets"] == 3
    assert tally(found["total"]["hypothetical"], "first_response") == (2, 0, 1)
    assert found["total"]["hypothetical"]["first_response"]["p90_minutes"] == 0.0
    other = ask(supervisor, plan, department_id="00000000-0000-4000-8000-000000000000")
    assert other["total"]["tickets"] == 0


def test_asking_records_nothing(supervisor: Caller, monday: dict[str, Any]) -> None:
    head = log_head(supervisor)
    for _ in range(3):
        ask(supervisor, {"first_response_minutes": 5, "resolution_minutes": 10})
    assert log_head(supervisor) == head


NOWHERE = "00000000-0000-4000-8000-000000000000"
QUICK = {"first_response_minutes": 5, "resolution_minutes": 5}
UTC_HOURS = {"timezone": "UTC", "hours": {"mon": [["09:00", "17:00"]]}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2026-03-03T00:00:00Z", "to": "2026-03-02T00:00:00Z"}, "to"),
        ({"from": "2026-01-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-02T00:00:00"}, "from"),
        ({"plan": {**QUICK, "first_response_minutes": 0}}, "plan.first_response_minutes"),
        ({"plan": {**QUICK, "calendar_id": NOWHERE}}, "calendar_id"),
        ({"plan": {**QUICK, "calendar_id": NOWHERE, "calendar": UTC_HOURS}}, "plan.calendar"),
        ({"plan": {**QUICK, "calendar": {"timezone": "Mars/Olympus", "hours": {}}}}, "timezone"),
        ({"plan": {**QUICK, "surprise": 1}}, "plan"),
    ],
)
def test_bad_questions_are_refused_naming_the_field(
    supervisor: Caller, body: dict[str, Any], field: str
) -> None:
    plan = {"first_response_minutes": 60, "resolution_minutes": 480}
    answer = supervisor.post("/v1/what-if/sla", {"plan": plan, **MONDAY, **body})
    problem(answer, 400, field)


def test_the_command_line_prints_what_the_api_answers(
    supervisor: Caller,
    monday: dict[str, Any],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command line follows the tickets to the real now, long after the fixture's
    Monday, so only what had settled by Monday evening is compared."""
    plan = {"first_response_minutes": 60, "resolution_minutes": 480}
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    monkeypatch.setenv("TICKETING_DATABASE_URL", settings.database_url)
    argv = ["what-if", "sla", "--plan", str(plan_file), "--from", MONDAY["from"]]
    assert main([*argv, "--to", MONDAY["to"]]) == 0
    printed = json.loads(capsys.readouterr().out)
    asked = ask(supervisor, plan)
    assert printed["total"]["tickets"] == asked["total"]["tickets"] == 3
    side = "hypothetical"
    assert printed["total"][side]["first_response"] == asked["total"][side]["first_response"]
    assert main([*argv, "--to", "never"]) == 2
    assert "to:" in capsys.readouterr().err
