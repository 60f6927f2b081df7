"""Invalid bodies, headers and queries: 400 (or 413) problem documents, nothing recorded."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import log_head, ok, path, problem, version_of

LONG_SUBJECT = "s" * 201
LONG_BODY = "b" * 65_537


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "Hi", "body": "Hello", "colour": "red"}, "colour"),
        ({"subject": "Hi", "body": "Hello", "priority": "extreme"}, "priority"),
        ({"subject": "", "body": "Hello"}, "subject"),
        ({"subject": "   ", "body": "Hello"}, "subject"),
        ({"subject": LONG_SUBJECT, "body": "Hello"}, "subject"),
        ({"subject": "Hi", "body": ""}, "body"),
        ({"subject": "Hi", "body": LONG_BODY}, "body"),
        ({"subject": 7, "body": "Hello"}, "subject"),
        ({"body": "Hello"}, "subject"),
    ],
    ids=[
        "unknown-field",
        "bad-priority",
        "empty-subject",
        "blank-subject",
        "subject-201-chars",
        "empty-body",
        "body-65537-chars",
        "subject-not-a-string",
        "subject-missing",
    ],
)
def test_opening_a_ticket_with_a_bad_field_is_refused_naming_it(
    customer: Caller, body: dict[str, Any], field: str
) -> None:
    head = log_head(customer)
    problem(customer.post("/v1/tickets", body), 400, field=field)
    assert log_head(customer) == head


def test_the_longest_subject_and_body_are_accepted(customer: Caller) -> None:
    body = {"subject": "s" * 200, "body": "b" * 65_536}
    ticket = ok(customer.post("/v1/tickets", body), 201)
    assert len(ticket["subject"]) == 200
    assert len(ticket["messages"][0]["body"]) == 65_536


def test_malformed_json_is_refused(customer: Caller) -> None:
    answer = customer.client.post(
        "/v1/tickets",
        content=b'{"subject": "Hi", "body": ',
        headers=customer.headers(**{"Content-Type": "application/json"}),
    )
    problem(answer, 400)


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("assign", {"agent_id": "not-a-uuid"}, "agent_id"),
        ("assign", {}, "agent_id"),
        ("transfer", {"department_id": 12}, "department_id"),
        ("replies", {"body": ""}, "body"),
        ("replies", {"body": "   "}, "body"),
        ("replies", {"body": LONG_BODY}, "body"),
        ("replies", {"body": "Hi", "cc": "boss"}, "cc"),
        ("notes", {"body": LONG_BODY}, "body"),
        ("status", {"status": "sleeping"}, "status"),
        ("priority", {"priority": "extreme"}, "priority"),
        ("priority", {"priority": "HIGH"}, "priority"),
        ("resolve", {"resolution": ""}, "resolution"),
        ("resolve", {"resolution": LONG_BODY}, "resolution"),
        ("close", {"reason": "done"}, "reason"),
        ("reopen", {"reason": ""}, "reason"),
        ("review", {"rating": 0}, "rating"),
        ("review", {"rating": 6}, "rating"),
        ("review", {"rating": 5, "comment": LONG_BODY}, "comment"),
    ],
)
def test_a_command_with_a_bad_field_is_refused_naming_it_and_changes_nothing(
    agent: Caller, customer: Caller, ticket: dict[str, Any], route: str, body: Any, field: str
) -> None:
    caller = customer if route in ("review", "reopen") else agent
    problem(caller.post(path(ticket["id"], route), body), 400, field=field)
    assert version_of(agent, ticket["id"]) == 1


def test_the_status_route_refuses_statuses_it_does_not_set(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    # The contract lists `open`, `in_progress` and `awaiting_customer` as the body's values.
    for status in ("resolved", "closed"):
        problem(agent.post(path(ticket["id"], "status"), {"status": status}), 400, field="status")
    assert version_of(agent, ticket["id"]) == 1


def test_a_malformed_command_body_changes_nothing(agent: Caller, ticket: dict[str, Any]) -> None:
    answer = agent.client.post(
        path(ticket["id"], "replies"),
        content=b"{not json",
        headers=agent.headers(**{"Content-Type": "application/json"}),
    )
    problem(answer, 400)
    assert version_of(agent, ticket["id"]) == 1


@pytest.mark.parametrize("if_match", ["three", '"-1"', '"1.0"', '"1", "2"', ""])
def test_a_malformed_if_match_header_is_refused(
    agent: Caller, ticket: dict[str, Any], if_match: str
) -> None:
    answer = agent.post(path(ticket["id"], "replies"), {"body": "Hi"}, **{"If-Match": if_match})
    problem(answer, 400, field="If-Match")
    assert version_of(agent, ticket["id"]) == 1


def test_a_malformed_idempotency_key_is_refused(agent: Caller, ticket: dict[str, Any]) -> None:
    answer = agent.post(
        path(ticket["id"], "replies"), {"body": "Hi"}, **{"Idempotency-Key": "has space"}
    )
    problem(answer, 400, field="Idempotency-Key")
    assert version_of(agent, ticket["id"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"version": "abc"}, "version"),
        ({"version": "0"}, "version"),
        ({"version": "-1"}, "version"),
        ({"as_of": "2026-03-02T09:00:00"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"version": "1", "as_of": "2026-03-02T09:00:00Z"}, "as_of"),
    ],
    ids=["version-abc", "version-0", "version-negative", "as-of-no-zone", "as-of-words", "both"],
)
def test_a_bad_point_in_time_query_is_refused(
    customer: Caller, ticket: dict[str, Any], query: dict[str, str], field: str
) -> None:
    problem(customer.get(path(ticket["id"], **query)), 400, field=field)


def test_a_version_after_the_latest_is_not_found(customer: Caller, ticket: dict[str, Any]) -> None:
    problem(customer.get(path(ticket["id"], version=2)), 404)


def test_a_body_over_one_mebibyte_is_too_large(customer: Caller) -> None:
    head = log_head(customer)
    body = {"subject": "Big", "body": "x" * (1024 * 1024 + 1)}
    problem(customer.post("/v1/tickets", body), 413)
    assert log_head(customer) == head


def test_a_command_body_over_one_mebibyte_is_too_large_and_changes_nothing(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    problem(agent.post(path(ticket["id"], "notes"), {"body": "x" * (1024 * 1024)}), 413)
    assert version_of(agent, ticket["id"]) == 1


def test_problems_leak_no_internals(customer: Caller) -> None:
    detail = problem(customer.post("/v1/tickets", {"subject": 1}), 400)["detail"]
    for leak in ("Traceback", 'File "', ".py", "SELECT", "msgspec."):
        assert leak not in detail
