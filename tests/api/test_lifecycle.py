"""The walkthrough: a ticket's whole life from opening to review, over HTTP."""

from __future__ import annotations

from typing import Any

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import history_of, ok, path


def step(caller: Caller, ticket_id: str, route: str, body: Any) -> dict[str, Any]:
    answer = caller.post(path(ticket_id, route), body)
    ticket = ok(answer)
    assert answer.headers["etag"] == f'"{ticket["version"]}"'
    return ticket


def test_a_ticket_lives_from_opening_to_review(
    customer: Caller, agent: Caller, auditor: Caller, clock: FakeClock
) -> None:
    # The customer reports the outage.
    opened = ok(
        customer.post(
            "/v1/tickets", {"subject": "Online Banking Outage", "body": "I cannot log in."}
        ),
        201,
    )
    ticket_id = opened["id"]
    assert opened["status"] == "open"

    # The agent takes it and asks for details.
    clock.advance(minutes=5)
    assert step(agent, ticket_id, "assign", {"agent_id": agent.id})["assignee_id"] == agent.id
    clock.advance(minutes=5)
    step(agent, ticket_id, "replies", {"body": "Which browser do you use?"})

    # He starts work and notes his troubleshooting, which the customer cannot see.
    clock.advance(minutes=5)
    assert step(agent, ticket_id, "status", {"status": "in_progress"})["status"] == "in_progress"
    clock.advance(minutes=5)
    noted = step(agent, ticket_id, "notes", {"body": "Account locked after 3 attempts."})
    assert noted["messages"][-1]["kind"] == "note"
    seen = ok(customer.get(path(ticket_id)))
    assert [m["kind"] for m in seen["messages"]] == ["reply", "reply"]

    # He resolves it; the customer reopens it.
    clock.advance(minutes=30)
    assert step(agent, ticket_id, "resolve", {"resolution": "Password reset."})["status"] == (
        "resolved"
    )
    clock.advance(hours=1)
    reopened = step(customer, ticket_id, "reopen", {"reason": "Still locked out."})
    assert reopened["status"] == "open"

    # He resolves it again; the customer confirms and reviews.
    clock.advance(minutes=10)
    step(agent, ticket_id, "resolve", {"resolution": "Unlocked the account too."})
    clock.advance(minutes=10)
    assert step(customer, ticket_id, "close", {})["status"] == "closed"
    clock.advance(minutes=1)
    reviewed = step(customer, ticket_id, "review", {"rating": 5, "comment": "Thanks!"})
    assert reviewed["review"]["rating"] == 5
    assert reviewed["status"] == "closed"
    assert reviewed["resolution"] == "Unlocked the account too."

    # The auditor reads every step with its actor, in order, and verifies the chain.
    history = history_of(auditor, ticket_id)
    assert [(item["type"], item["actor_role"]) for item in history] == [
        ("Created", "customer"),
        ("Assigned", "agent"),
        ("Replied", "agent"),
        ("StatusChanged", "agent"),
        ("NoteAdded", "agent"),
        ("Resolved", "agent"),
        ("Reopened", "customer"),
        ("Resolved", "agent"),
        ("Closed", "customer"),
        ("Reviewed", "customer"),
    ]
    after_first_reply = ok(auditor.get(path(ticket_id, version=3)))
    assert after_first_reply["status"] == "open"
    assert after_first_reply["messages"][-1]["body"] == "Which browser do you use?"
    verification = ok(auditor.get(path(ticket_id, "verify")))
    assert verification["ok"] is True
    assert verification["events"] == reviewed["version"] == 10
