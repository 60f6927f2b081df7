"""Opening, reading and working a ticket, one route at a time."""

from __future__ import annotations

from typing import Any

from .conftest import Caller
from .helpers import RFC3339_MICROS, ok, path, problem

TICKET_FIELDS = {
    "id",
    "number",
    "subject",
    "status",
    "priority",
    "department_id",
    "assignee_id",
    "customer_id",
    "help_topic_id",
    "created_at",
    "updated_at",
    "version",
    "sla",
    "messages",
    "review",
}
SLA_FIELDS = {"plan_id", "first_response_due", "resolution_due", "paused", "state", "breaches"}


def command(caller: Caller, ticket: dict[str, Any], route: str, body: Any) -> dict[str, Any]:
    return ok(caller.post(path(ticket["id"], route), body))


def test_a_customer_opens_a_ticket_for_themselves(customer: Caller) -> None:
    answer = customer.post(
        "/v1/tickets", {"subject": "Online Banking Outage", "body": "I cannot log in."}
    )
    ticket = ok(answer, 201)
    assert ticket.keys() >= TICKET_FIELDS
    assert ticket["sla"].keys() >= SLA_FIELDS
    assert ticket["subject"] == "Online Banking Outage"
    assert ticket["status"] == "open"
    assert ticket["priority"] == "normal"
    assert ticket["customer_id"] == customer.id
    assert ticket["assignee_id"] is None
    assert ticket["review"] is None
    assert ticket["version"] == 1
    assert ticket["number"].isdigit()
    assert RFC3339_MICROS.match(ticket["created_at"])
    assert ticket["updated_at"] == ticket["created_at"]
    [message] = ticket["messages"]
    assert message["kind"] == "reply"
    assert message["body"] == "I cannot log in."
    assert message["author_id"] == customer.id
    assert message["author_role"] == "customer"
    assert answer.headers["etag"] == '"1"'
    assert int(answer.headers["x-log-position"]) >= 1


def test_a_customer_may_choose_the_priority(customer: Caller) -> None:
    body = {"subject": "Card blocked", "body": "At the till.", "priority": "urgent"}
    assert ok(customer.post("/v1/tickets", body), 201)["priority"] == "urgent"


def test_an_agent_opens_a_ticket_on_behalf_of_a_customer(agent: Caller, customer: Caller) -> None:
    body = {"subject": "Phoned in", "body": "Cannot log in.", "customer_id": customer.id}
    ticket = ok(agent.post("/v1/tickets", body), 201)
    assert ticket["customer_id"] == customer.id
    assert ticket["messages"][0]["author_role"] == "agent"
    assert ok(customer.get(path(ticket["id"])))["id"] == ticket["id"]


def test_an_agent_cannot_open_a_ticket_for_someone_who_is_not_a_customer(
    agent: Caller, auditor: Caller
) -> None:
    body = {"subject": "Phoned in", "body": "Cannot log in.", "customer_id": auditor.id}
    problem(agent.post("/v1/tickets", body), 400, field="customer_id")


def test_tickets_get_distinct_numbers(customer: Caller) -> None:
    body = {"subject": "Again", "body": "And again."}
    numbers = {ok(customer.post("/v1/tickets", body), 201)["number"] for _ in range(3)}
    assert len(numbers) == 3


def test_reading_a_ticket_gives_its_version_as_etag(
    customer: Caller, ticket: dict[str, Any]
) -> None:
    answer = customer.get(path(ticket["id"]))
    assert ok(answer) == ticket
    assert answer.headers["etag"] == '"1"'


def test_an_auditor_reads_any_ticket(auditor: Caller, ticket: dict[str, Any]) -> None:
    assert ok(auditor.get(path(ticket["id"])))["id"] == ticket["id"]


def test_an_agent_assigns_and_unassigns_a_ticket(agent: Caller, ticket: dict[str, Any]) -> None:
    assert command(agent, ticket, "assign", {"agent_id": agent.id})["assignee_id"] == agent.id
    assert command(agent, ticket, "assign", {"agent_id": None})["assignee_id"] is None


def test_a_ticket_is_assigned_only_to_staff_who_work_tickets(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    answer = agent.post(path(ticket["id"], "assign"), {"agent_id": customer.id})
    problem(answer, 400, field="agent_id")


def test_assigning_the_current_assignee_again_is_a_conflict(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "assign", {"agent_id": agent.id})
    answer = agent.post(path(ticket["id"], "assign"), {"agent_id": agent.id})
    assert problem(answer, 409)["type"].endswith("invalid-transition")


def test_a_transfer_to_an_unknown_department_is_refused(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    answer = agent.post(path(ticket["id"], "transfer"), {"department_id": agent.id})
    problem(answer, 400, field="department_id")


def test_an_agent_replies_and_the_customer_reads_it(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    answer = command(agent, ticket, "replies", {"body": "Which browser do you use?"})
    assert answer["version"] == 2
    reply = answer["messages"][-1]
    assert reply["kind"] == "reply"
    assert reply["author_id"] == agent.id
    assert RFC3339_MICROS.match(reply["at"])
    assert ok(customer.get(path(ticket["id"])))["messages"][-1]["body"] == reply["body"]


def test_an_agent_adds_an_internal_note(agent: Caller, ticket: dict[str, Any]) -> None:
    note = command(agent, ticket, "notes", {"body": "Password expired."})["messages"][-1]
    assert note["kind"] == "note"
    assert note["author_role"] == "agent"


def test_an_agent_moves_a_ticket_between_working_statuses(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    for status in ("in_progress", "awaiting_customer", "open"):
        assert command(agent, ticket, "status", {"status": status})["status"] == status


def test_a_customer_reply_wakes_a_ticket_awaiting_them(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "status", {"status": "awaiting_customer"})
    answer = command(customer, ticket, "replies", {"body": "Firefox."})
    assert answer["status"] == "in_progress"
    assert answer["version"] == 4


def test_a_customer_reply_reopens_a_resolved_ticket(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "resolve", {"resolution": "Reset the password."})
    assert command(customer, ticket, "replies", {"body": "Still broken."})["status"] == "open"


def test_an_agent_changes_the_priority(agent: Caller, ticket: dict[str, Any]) -> None:
    assert command(agent, ticket, "priority", {"priority": "urgent"})["priority"] == "urgent"


def test_changing_to_the_same_priority_is_a_conflict(agent: Caller, ticket: dict[str, Any]) -> None:
    problem(agent.post(path(ticket["id"], "priority"), {"priority": "normal"}), 409)


def test_an_agent_resolves_and_closes_a_ticket(agent: Caller, ticket: dict[str, Any]) -> None:
    resolved = command(agent, ticket, "resolve", {"resolution": "Reset the password."})
    assert resolved["status"] == "resolved"
    assert resolved["resolution"] == "Reset the password."
    assert command(agent, ticket, "close", {})["status"] == "closed"


def test_an_agent_closes_an_open_ticket(agent: Caller, ticket: dict[str, Any]) -> None:
    assert command(agent, ticket, "close", {})["status"] == "closed"


def test_a_customer_confirms_a_resolution_by_closing(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "resolve", {"resolution": "Reset the password."})
    assert command(customer, ticket, "close", {})["status"] == "closed"


def test_reopening_returns_a_closed_ticket_to_open(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "close", {})
    assert command(customer, ticket, "reopen", {"reason": "Not fixed."})["status"] == "open"


def test_a_customer_reviews_a_resolved_ticket(
    agent: Caller, customer: Caller, ticket: dict[str, Any]
) -> None:
    command(agent, ticket, "resolve", {"resolution": "Reset the password."})
    review = command(customer, ticket, "review", {"rating": 4, "comment": "Fine."})["review"]
    assert review["rating"] == 4
    assert review["comment"] == "Fine."
    assert RFC3339_MICROS.match(review["at"])


def test_every_command_answer_carries_its_version_and_a_growing_log_position(
    agent: Caller, ticket: dict[str, Any]
) -> None:
    steps = [
        ("assign", {"agent_id": agent.id}),
        ("replies", {"body": "Looking into it."}),
        ("status", {"status": "in_progress"}),
        ("notes", {"body": "Password expired."}),
        ("priority", {"priority": "high"}),
        ("resolve", {"resolution": "Reset the password."}),
        ("close", {}),
    ]
    positions = []
    for version, (route, body) in enumerate(steps, start=2):
        answer = agent.post(path(ticket["id"], route), body)
        assert ok(answer)["version"] == version
        assert answer.headers["etag"] == f'"{version}"'
        positions.append(int(answer.headers["x-log-position"]))
    assert positions == sorted(set(positions))
