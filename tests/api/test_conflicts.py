"""Commands the ticket's state refuses (409) and stale `If-Match` versions (412)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import ok, path, problem, version_of


def run(caller: Caller, ticket: dict[str, Any], route: str, body: Any, **headers: str) -> Any:
    return caller.post(path(ticket["id"], route), body, **headers)


def refused(caller: Caller, ticket: dict[str, Any], route: str, body: Any) -> dict[str, Any]:
    """Asserts the command is an invalid transition that records nothing."""
    before = version_of(caller, ticket["id"])
    found = problem(run(caller, ticket, route, body), 409)
    assert found["type"].endswith("invalid-transition")
    assert version_of(caller, ticket["id"]) == before
    return found


def test_a_ticket_cannot_be_reviewed_before_it_is_resolved(
    customer: Caller, ticket: dict[str, Any]
) -> None:
    refused(customer, ticket, "review", {"rating": 5})


def test_a_closed_ticket_takes_no_reply_until_reopened(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    ok(run(agent, ticket, "close", {}))
    refused(customer, ticket, "replies", {"body": "Hello?"})
    refused(agent, ticket, "replies", {"body": "Hello?"})
    refused(agent, ticket, "notes", {"body": "Hm."})


def test_a_ticket_is_reviewed_only_once(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    ok(run(agent, ticket, "resolve", {"resolution": "Done."}))
    ok(run(customer, ticket, "review", {"rating": 3}))
    refused(customer, ticket, "review", {"rating": 5})
    assert ok(customer.get(path(ticket["id"])))["review"]["rating"] == 3


def test_an_open_ticket_cannot_be_reopened(customer: Caller, ticket: dict[str, Any]) -> None:
    refused(customer, ticket, "reopen", {"reason": "Why not?"})


def test_a_customer_closes_only_to_confirm_a_resolution(
    customer: Caller, ticket: dict[str, Any]
) -> None:
    refused(customer, ticket, "close", {})


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("resolve", {"resolution": "Again."}),
        ("status", {"status": "open"}),
        ("close", {}),
        ("assign", {"agent_id": None}),
        ("priority", {"priority": "low"}),
    ],
)
def test_a_closed_ticket_refuses_work_until_reopened(
    agent: Caller, ticket: dict[str, Any], route: str, body: Any
) -> None:
    ok(run(agent, ticket, "close", {}))
    refused(agent, ticket, route, body)


def test_a_resolved_ticket_cannot_be_resolved_again(agent: Caller, ticket: dict[str, Any]) -> None:
    ok(run(agent, ticket, "resolve", {"resolution": "Done."}))
    refused(agent, ticket, "resolve", {"resolution": "Done twice."})


def test_a_status_cannot_be_set_to_itself(agent: Caller, ticket: dict[str, Any]) -> None:
    refused(agent, ticket, "status", {"status": "open"})


def test_an_email_is_registered_only_once(admin: Caller, customer: Caller) -> None:
    for route in ("/v1/customers", "/v1/agents"):
        answer = admin.post(route, {"name": "Jane Again", "email": "JANE@example.com"})
        problem(answer, 409)
    emails = [c["email"] for c in ok(admin.get("/v1/customers"))["items"]]
    assert emails == ["jane@example.com"]


def test_a_command_with_the_current_version_in_if_match_applies(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    answer = run(agent, ticket, "replies", {"body": "On it."}, **{"If-Match": '"1"'})
    assert ok(answer)["version"] == 2
    assert answer.headers["etag"] == '"2"'


def test_a_weak_or_bare_if_match_is_read_as_the_version(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    ok(run(agent, ticket, "replies", {"body": "One."}, **{"If-Match": 'W/"1"'}))
    ok(run(agent, ticket, "replies", {"body": "Two."}, **{"If-Match": "2"}))
    assert version_of(agent, ticket["id"]) == 3


@pytest.mark.parametrize("stale", ['"0"', '"2"', '"99"'])
def test_a_stale_if_match_is_refused_and_records_nothing(
    agent: Caller, ticket: dict[str, Any], stale: str
) -> None:
    answer = run(agent, ticket, "replies", {"body": "Too late."}, **{"If-Match": stale})
    problem(answer, 412)
    current = ok(agent.get(path(ticket["id"])))
    assert current["version"] == 1
    assert [m["body"] for m in current["messages"]] == ["I cannot log in."]


def test_a_second_writer_with_the_same_if_match_loses(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    ok(run(agent, ticket, "resolve", {"resolution": "Done."}, **{"If-Match": '"1"'}))
    problem(run(customer, ticket, "replies", {"body": "Hello?"}, **{"If-Match": '"1"'}), 412)
    assert ok(customer.get(path(ticket["id"])))["status"] == "resolved"
    assert version_of(agent, ticket["id"]) == 2
