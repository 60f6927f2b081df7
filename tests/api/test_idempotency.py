"""Retries with an `Idempotency-Key` get the first answer and record nothing new."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import VALID_BODIES, history_of, log_head, ok, path, problem, version_of

OPEN = {"subject": "Online Banking Outage", "body": "I cannot log in."}


def key(name: str) -> dict[str, str]:
    return {"Idempotency-Key": name}


def test_retrying_the_opening_of_a_ticket_gives_the_same_ticket(customer: Caller) -> None:
    first = customer.post("/v1/tickets", OPEN, **key("open-1"))
    head = log_head(customer)
    retry = customer.post("/v1/tickets", OPEN, **key("open-1"))
    assert retry.status_code == first.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["etag"] == first.headers["etag"]
    assert log_head(customer) == head
    assert len(history_of(customer, first.json()["id"])) == 1


def test_a_retried_opening_reports_a_position_covering_the_first(customer: Caller) -> None:
    first = customer.post("/v1/tickets", OPEN, **key("open-1"))
    retry = customer.post("/v1/tickets", OPEN, **key("open-1"))
    assert int(retry.headers["x-log-position"]) >= int(first.headers["x-log-position"])


def test_a_new_key_opens_a_new_ticket(customer: Caller) -> None:
    first = ok(customer.post("/v1/tickets", OPEN, **key("open-1")), 201)
    second = ok(customer.post("/v1/tickets", OPEN, **key("open-2")), 201)
    assert first["id"] != second["id"]


def test_keys_of_different_callers_do_not_collide(customer: Caller, other_customer: Caller) -> None:
    mine = ok(customer.post("/v1/tickets", OPEN, **key("open-1")), 201)
    theirs = ok(other_customer.post("/v1/tickets", OPEN, **key("open-1")), 201)
    assert mine["id"] != theirs["id"]
    assert theirs["customer_id"] == other_customer.id


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("replies", {"body": "Which browser?"}),
        ("notes", {"body": "Password expired."}),
        ("status", {"status": "in_progress"}),
        ("priority", {"priority": "high"}),
        ("resolve", {"resolution": "Reset the password."}),
        ("close", {}),
    ],
)
def test_retrying_a_command_returns_the_first_answer_and_records_nothing(
    agent: Caller, ticket: dict[str, Any], route: str, body: Any
) -> None:
    first = agent.post(path(ticket["id"], route), body, **key("cmd-1"))
    assert first.status_code == 200, first.text
    events = len(history_of(agent, ticket["id"]))
    retry = agent.post(path(ticket["id"], route), body, **key("cmd-1"))
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["etag"] == first.headers["etag"]
    assert len(history_of(agent, ticket["id"])) == events == 2


def test_a_retry_answers_as_first_even_after_later_changes(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    first = ok(agent.post(path(ticket["id"], "replies"), {"body": "One."}, **key("cmd-1")))
    ok(agent.post(path(ticket["id"], "replies"), {"body": "Two."}))
    retry = ok(agent.post(path(ticket["id"], "replies"), {"body": "One."}, **key("cmd-1")))
    assert retry == first
    assert version_of(agent, ticket["id"]) == 3


def test_a_retry_of_a_customer_reply_that_reopened_records_nothing(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    ok(agent.post(path(ticket["id"], "resolve"), {"resolution": "Done."}))
    body = {"body": "Not fixed."}
    first = ok(customer.post(path(ticket["id"], "replies"), body, **key("r")))
    retry = ok(customer.post(path(ticket["id"], "replies"), body, **key("r")))
    assert retry == first
    assert first["version"] == version_of(agent, ticket["id"]) == 4


def test_the_same_key_with_another_body_is_unprocessable(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    ok(agent.post(path(ticket["id"], "replies"), {"body": "One."}, **key("cmd-1")))
    answer = agent.post(path(ticket["id"], "replies"), {"body": "Other."}, **key("cmd-1"))
    problem(answer, 422)
    assert version_of(agent, ticket["id"]) == 2


def test_the_same_key_on_another_route_is_unprocessable(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    ok(agent.post(path(ticket["id"], "replies"), {"body": "Same."}, **key("cmd-1")))
    problem(agent.post(path(ticket["id"], "notes"), {"body": "Same."}, **key("cmd-1")), 422)
    assert version_of(agent, ticket["id"]) == 2


def test_the_same_key_with_another_ticket_body_is_unprocessable(customer: Caller) -> None:
    ok(customer.post("/v1/tickets", OPEN, **key("open-1")), 201)
    head = log_head(customer)
    other = {**OPEN, "subject": "Something else"}
    problem(customer.post("/v1/tickets", other, **key("open-1")), 422)
    assert log_head(customer) == head


def test_a_refused_command_is_not_remembered(
    customer: Caller, agent: Caller, ticket: dict[str, Any]
) -> None:
    body = VALID_BODIES["review"]
    problem(customer.post(path(ticket["id"], "review"), body, **key("rev")), 409)
    ok(agent.post(path(ticket["id"], "resolve"), {"resolution": "Done."}))
    assert ok(customer.post(path(ticket["id"], "review"), body, **key("rev")))["review"]


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/v1/customers", {"name": "Eve", "email": "eve@example.com"}),
        ("/v1/agents", {"name": "Eve", "email": "eve@example.com", "role": "agent"}),
    ],
)
def test_retrying_a_registration_answers_the_same_person_but_never_the_token_again(
    admin: Caller, route: str, body: dict[str, Any]
) -> None:
    """Tokens are shown once and kept only as hashes (README, Idempotency): a retry
    answers the first status and person, with `token: null`, and records nothing."""
    first = admin.post(route, body, **key("reg-1"))
    assert first.status_code == 201, first.text
    head = log_head(admin)
    retry = admin.post(route, body, **key("reg-1"))
    assert retry.status_code == 201
    assert retry.json() == {**first.json(), "token": None}
    assert first.json()["token"]
    assert log_head(admin) == head
