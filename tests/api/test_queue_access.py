"""The departments' queues and who may read which queue: filters, the problems that
bad parameters answer, roles and tokens."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from .conftest import Caller
from .helpers import ok, problem
from .projection_fixtures import (
    b64,
    command,
    staff,
    url,
)

MINE = "/v1/queues/mine"
NOWHERE = f"/v1/queues/departments/{uuid4()}"


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    """Supervisors read every department's queue; agents only their own (404 otherwise)."""
    return staff(admin, "supervisor", "Sue Supervisor")


def test_a_departments_queue_without_tickets_is_empty(
    ticket: dict[str, Any], agent: Caller, supervisor: Caller
) -> None:
    position = command(agent, ticket["id"], "assign", {"agent_id": agent.id})
    empty = {"items": [], "next_cursor": None}
    assert ok(supervisor.get(url(NOWHERE, min_position=position))) == empty


@pytest.mark.parametrize(
    "query",
    [
        {"status": "resolved,closed"},
        {"status": "open, in_progress"},
        {"assignee": "unassigned"},
        {"assignee": str(uuid4())},
        {"priority": "urgent", "sla_state": "breached"},
        {"sort": "activity", "limit": 200},
        {"sort": "priority", "cursor": b64(b'[1,"a"]')},
    ],
)
def test_a_departments_queue_accepts_every_valid_filter(
    supervisor: Caller, query: dict[str, Any]
) -> None:
    assert ok(supervisor.get(url(NOWHERE, **query))) == {"items": [], "next_cursor": None}


BAD_QUERIES = [
    ({"sort": "soonest"}, "sort"),
    ({"sort": ""}, "sort"),
    ({"cursor": "not a cursor!"}, "cursor"),
    ({"cursor": b64(b'{"due": 1}')}, "cursor"),
    ({"cursor": b64(b'["a"]')}, "cursor"),
    ({"cursor": b64(b"[1,2]")}, "cursor"),
    ({"sort": "priority", "cursor": b64(b'["2",  "x"]')}, "cursor"),
    ({"cursor": b64(b"\xff\xfe")}, "cursor"),
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": "many"}, "limit"),
    ({"min_position": -1}, "min_position"),
    ({"min_position": "soon"}, "min_position"),
]
DEPARTMENT_ONLY = [
    ({"status": "pending"}, "status"),
    ({"status": "open,bogus"}, "status"),
    ({"status": ""}, "status"),
    ({"priority": "critical"}, "priority"),
    ({"sla_state": "late"}, "sla_state"),
    ({"assignee": "bob"}, "assignee"),
    ({"assignee": ""}, "assignee"),
]


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES)
def test_my_queue_answers_bad_parameters_with_a_problem_naming_the_field(
    agent: Caller, query: dict[str, Any], field: str
) -> None:
    problem(agent.get(url(MINE, **query)), 400, field)


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES + DEPARTMENT_ONLY)
def test_a_departments_queue_answers_bad_parameters_with_a_problem_naming_the_field(
    supervisor: Caller, query: dict[str, Any], field: str
) -> None:
    problem(supervisor.get(url(NOWHERE, **query)), 400, field)


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_read_their_own_queue(admin: Caller, role: str) -> None:
    caller = staff(admin, role, "Sam Staff")
    assert ok(caller.get(MINE))["items"] == []


def test_a_supervisor_reads_any_departments_queue(supervisor: Caller) -> None:
    assert ok(supervisor.get(NOWHERE))["items"] == []


def test_an_agent_reads_only_the_queues_of_their_departments(admin: Caller) -> None:
    answer = admin.post("/v1/departments", {"name": "IT Support"})
    assert answer.status_code == 201, answer.text
    department = answer.json()["id"]
    member = admin.post(
        "/v1/agents",
        {"name": "Ida Insider", "email": "ida@example.com", "department_ids": [department]},
    )
    caller = Caller(admin.client, member.json()["token"], member.json()["id"])
    assert ok(caller.get(f"/v1/queues/departments/{department}"))["items"] == []
    problem(caller.get(NOWHERE), 404)


@pytest.mark.parametrize("role", ["customer", "auditor", "analyst", "admin"])
def test_other_roles_may_not_read_the_queues(
    client: TestClient[Any], request: pytest.FixtureRequest, role: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    problem(caller.get(MINE), 403)
    problem(caller.get(NOWHERE), 403)


@pytest.mark.parametrize("department", ["it-support", "0", "%20"])
def test_a_department_that_is_not_an_id_is_not_found(agent: Caller, department: str) -> None:
    """No route has such a path (like a ticket id that is not a UUID)."""
    problem(agent.get(f"/v1/queues/departments/{department}"), 404)


def test_the_queues_need_a_token(client: TestClient[Any]) -> None:
    problem(client.get(MINE), 401)
    problem(client.get(NOWHERE, headers={"Authorization": "Bearer nobody"}), 401)
