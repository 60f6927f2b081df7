"""Agents work within their departments: they cannot hand a ticket to someone who may not
read it, nor open one where they could not read it afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller, register
from .helpers import log_head, ok, path, problem, version_of


@pytest.fixture
def it(admin: Caller) -> str:
    department: str = ok(admin.post("/v1/departments", {"name": "IT Support"}), 201)["id"]
    return department


@pytest.fixture
def billing(admin: Caller, it: str) -> str:
    department: str = ok(admin.post("/v1/departments", {"name": "Billing"}), 201)["id"]
    return department


@pytest.fixture
def it_agent(admin: Caller, it: str) -> Caller:
    return register(
        admin, "/v1/agents", name="Ian Tech", email="ian@example.com", department_ids=[it]
    )


@pytest.fixture
def billing_agent(admin: Caller, billing: str) -> Caller:
    return register(
        admin, "/v1/agents", name="Bea Bills", email="bea@example.com", department_ids=[billing]
    )


@pytest.fixture
def it_ticket(customer: Caller, it: str, billing: str) -> dict[str, Any]:
    """Without a help topic the ticket goes to the default department: IT, made first."""
    body = ok(customer.post("/v1/tickets", {"subject": "VPN down", "body": "No tunnel."}), 201)
    assert body["department_id"] == it
    return body


def test_an_agent_cannot_assign_a_ticket_to_an_agent_of_another_department(
    it_agent: Caller, billing_agent: Caller, it_ticket: dict[str, Any]
) -> None:
    before = log_head(it_agent)
    answer = it_agent.post(path(it_ticket["id"], "assign"), {"agent_id": billing_agent.id})
    problem(answer, 400, "agent_id")
    assert log_head(it_agent) == before
    # The Billing agent still cannot read the ticket, its notes or its history.
    problem(billing_agent.get(path(it_ticket["id"])), 404)
    problem(billing_agent.get(path(it_ticket["id"], "history")), 404)
    problem(billing_agent.post(path(it_ticket["id"], "replies"), {"body": "Hi"}), 404)


def test_an_agent_may_assign_a_colleague_of_the_ticket_department_or_a_supervisor(
    admin: Caller, it: str, it_agent: Caller, it_ticket: dict[str, Any]
) -> None:
    colleague = register(
        admin, "/v1/agents", name="Iris Tech", email="iris@example.com", department_ids=[it]
    )
    boss = register(
        admin, "/v1/agents", name="Sam Super", email="sam@example.com", role="supervisor"
    )
    assigned = ok(it_agent.post(path(it_ticket["id"], "assign"), {"agent_id": colleague.id}))
    assert assigned["assignee_id"] == colleague.id
    assigned = ok(it_agent.post(path(it_ticket["id"], "assign"), {"agent_id": boss.id}))
    assert assigned["assignee_id"] == boss.id


def test_a_ticket_transferred_first_may_then_go_to_the_other_department_agent(
    it_agent: Caller, billing: str, billing_agent: Caller, it_ticket: dict[str, Any]
) -> None:
    ok(it_agent.post(path(it_ticket["id"], "transfer"), {"department_id": billing}))
    assigned = ok(
        billing_agent.post(path(it_ticket["id"], "assign"), {"agent_id": billing_agent.id})
    )
    assert assigned["assignee_id"] == billing_agent.id


def test_an_agent_cannot_open_a_ticket_in_a_department_they_cannot_read(
    it_agent: Caller, billing: str
) -> None:
    before = log_head(it_agent)
    body = {"subject": "Refund", "body": "Please refund.", "department_id": billing}
    problem(it_agent.post("/v1/tickets", body), 400, "department_id")
    assert log_head(it_agent) == before


def test_an_agent_cannot_open_a_ticket_whose_help_topic_routes_it_elsewhere(
    admin: Caller, it_agent: Caller, billing: str
) -> None:
    topic = ok(
        admin.post(
            "/v1/help-topics", {"name": "Refunds", "department_id": billing, "priority": "normal"}
        ),
        201,
    )["id"]
    before = log_head(it_agent)
    body = {"subject": "Refund", "body": "Please refund.", "help_topic_id": topic}
    problem(it_agent.post("/v1/tickets", body), 400, "help_topic_id")
    assert log_head(it_agent) == before


def test_an_agent_opens_tickets_in_their_own_department(
    it_agent: Caller, it: str, customer: Caller
) -> None:
    body = {"subject": "Printer", "body": "Jammed.", "customer_id": customer.id}
    opened = ok(it_agent.post("/v1/tickets", body), 201)
    assert opened["department_id"] == it
    assert version_of(it_agent, opened["id"]) == opened["version"]
