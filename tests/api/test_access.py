"""Who may call what: 401 without a known token, 403 for a role, 404 for others' tickets."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import (
    CUSTOMER_COMMANDS,
    NOBODYS_TICKET,
    STAFF_ONLY_COMMANDS,
    VALID_BODIES,
    ok,
    path,
    problem,
    version_of,
)

COMMANDS = tuple(VALID_BODIES)
READS = ("", "history")
REFUSED_TO_CUSTOMERS = ("verify", *STAFF_ONLY_COMMANDS)
"""Routes no customer may use, on any ticket (403, API.md: known but not allowed)."""


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "test-admin-token"],
    ids=["none", "unknown-token", "basic-scheme", "bearer-alone", "bearer-blank", "no-scheme"],
)
def test_a_caller_without_a_known_bearer_token_is_unauthorized(
    client: Any, ticket: dict[str, Any], authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for answer in (
        client.get(path(ticket["id"]), headers=headers),
        client.post(path(ticket["id"], "replies"), json={"body": "Hi"}, headers=headers),
        client.post("/v1/tickets", json={"subject": "Hi", "body": "Hi"}, headers=headers),
        client.get("/v1/agents", headers=headers),
    ):
        problem(answer, 401)
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_an_unauthorized_command_changes_nothing(
    client: Any, customer: Caller, ticket: dict[str, Any]
) -> None:
    client.post(path(ticket["id"], "close"), json={}, headers={"Authorization": "Bearer nope"})
    assert version_of(customer, ticket["id"]) == 1


@pytest.mark.parametrize("role", ["auditor", "analyst", "admin"])
@pytest.mark.parametrize("route", COMMANDS)
def test_roles_that_change_nothing_may_not_run_commands(
    request: pytest.FixtureRequest, customer: Caller, ticket: dict[str, Any], role: str, route: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    problem(caller.post(path(ticket["id"], route), VALID_BODIES[route]), 403)
    assert version_of(customer, ticket["id"]) == 1


@pytest.mark.usefixtures("client")
@pytest.mark.parametrize("role", ["auditor", "analyst", "admin"])
def test_roles_that_change_nothing_may_not_open_tickets(
    request: pytest.FixtureRequest, role: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    problem(caller.post("/v1/tickets", {"subject": "Hi", "body": "Hello"}), 403)


@pytest.mark.parametrize("route", STAFF_ONLY_COMMANDS)
def test_a_customer_may_not_run_staff_commands_on_their_own_ticket(
    customer: Caller, ticket: dict[str, Any], route: str
) -> None:
    problem(customer.post(path(ticket["id"], route), VALID_BODIES[route]), 403)
    assert version_of(customer, ticket["id"]) == 1


def test_a_customer_may_not_add_a_note(customer: Caller, ticket: dict[str, Any]) -> None:
    problem(customer.post(path(ticket["id"], "notes"), {"body": "Psst."}), 403)
    assert len(ok(customer.get(path(ticket["id"])))["messages"]) == 1


def test_an_agent_may_not_review_a_ticket(agent: Caller, ticket: dict[str, Any]) -> None:
    agent.post(path(ticket["id"], "resolve"), {"resolution": "Done."})
    problem(agent.post(path(ticket["id"], "review"), {"rating": 5}), 403)
    assert version_of(agent, ticket["id"]) == 2


@pytest.mark.parametrize("role", ["analyst", "admin"])
@pytest.mark.parametrize("route", READS)
def test_analysts_and_admins_may_not_read_tickets(
    request: pytest.FixtureRequest, ticket: dict[str, Any], role: str, route: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    problem(caller.get(path(ticket["id"], route)), 403)


@pytest.mark.parametrize("route", READS)
def test_another_customers_ticket_cannot_be_read(
    other_customer: Caller, ticket: dict[str, Any], route: str
) -> None:
    problem(other_customer.get(path(ticket["id"], route)), 404)


@pytest.mark.parametrize(
    "query", [{"version": 1}, {"as_of": "2026-03-02T10:00:00Z"}], ids=["version", "as-of"]
)
def test_another_customers_ticket_cannot_be_read_at_a_point_in_time(
    other_customer: Caller, ticket: dict[str, Any], query: dict[str, Any]
) -> None:
    problem(other_customer.get(path(ticket["id"], **query)), 404)


@pytest.mark.parametrize("route", CUSTOMER_COMMANDS)
def test_another_customers_ticket_is_not_found_by_customer_commands(
    agent: Caller, other_customer: Caller, ticket: dict[str, Any], route: str
) -> None:
    agent.post(path(ticket["id"], "resolve"), {"resolution": "Done."})
    problem(other_customer.post(path(ticket["id"], route), VALID_BODIES[route]), 404)
    assert version_of(agent, ticket["id"]) == 2


@pytest.mark.parametrize("route", [*READS, "verify", *COMMANDS])
def test_another_customers_ticket_is_answered_as_if_it_did_not_exist(
    other_customer: Caller, ticket: dict[str, Any], route: str
) -> None:
    """404 where customers may use the route (API.md: existence is not leaked); 403 where
    no customer may, whoever's the ticket; the same answer for a ticket of nobody's."""
    if route in VALID_BODIES:
        theirs = other_customer.post(path(ticket["id"], route), VALID_BODIES[route])
        nobodys = other_customer.post(path(NOBODYS_TICKET, route), VALID_BODIES[route])
    else:
        theirs = other_customer.get(path(ticket["id"], route))
        nobodys = other_customer.get(path(NOBODYS_TICKET, route))
    status = 403 if route in REFUSED_TO_CUSTOMERS else 404
    assert problem(theirs, status)["type"] == problem(nobodys, status)["type"]
    assert theirs.json()["title"] == nobodys.json()["title"]


@pytest.mark.parametrize("route", [r for r in COMMANDS if r not in ("transfer", "review")])
def test_an_unknown_ticket_is_not_found_by_agent_commands(agent: Caller, route: str) -> None:
    body = {"agent_id": agent.id} if route == "assign" else VALID_BODIES[route]
    problem(agent.post(path(NOBODYS_TICKET, route), body), 404)


@pytest.mark.parametrize("route", CUSTOMER_COMMANDS)
def test_an_unknown_ticket_is_not_found_by_customer_commands(customer: Caller, route: str) -> None:
    problem(customer.post(path(NOBODYS_TICKET, route), VALID_BODIES[route]), 404)


@pytest.mark.parametrize("route", [*READS, "verify"])
def test_an_unknown_ticket_is_not_found_by_an_auditor(auditor: Caller, route: str) -> None:
    problem(auditor.get(path(NOBODYS_TICKET, route)), 404)


def test_a_ticket_id_that_is_not_a_uuid_is_not_found(agent: Caller) -> None:
    problem(agent.get("/v1/tickets/not-a-uuid"), 404)


@pytest.mark.parametrize("role", ["customer", "agent", "auditor", "analyst"])
@pytest.mark.parametrize("collection", ["/v1/agents", "/v1/customers"])
def test_only_admins_register_and_list_people(
    request: pytest.FixtureRequest, admin: Caller, role: str, collection: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    body = {"name": "Eve", "email": "eve@example.com"}
    problem(caller.post(collection, body), 403)
    problem(caller.get(collection), 403)
    problem(caller.get(f"{collection}/{caller.id}"), 403)
    emails = [p["email"] for p in ok(admin.get(collection))["items"]]
    assert "eve@example.com" not in emails
