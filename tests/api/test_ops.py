"""Public operational routes: liveness, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from .conftest import Caller
from .helpers import ok
from .metrics_text import value

OPERATIONS = {
    "openTicket",
    "getTicket",
    "getTicketHistory",
    "verifyTicket",
    "assignTicket",
    "transferTicket",
    "replyToTicket",
    "addNote",
    "changeStatus",
    "changePriority",
    "resolveTicket",
    "closeTicket",
    "reopenTicket",
    "reviewTicket",
    "registerAgent",
    "listAgents",
    "getAgent",
    "registerCustomer",
    "listCustomers",
    "getCustomer",
}


def test_the_service_says_it_is_alive_without_a_token(client: Any) -> None:
    assert ok(client.get("/healthz")) == {"status": "ok"}


def test_the_service_says_it_is_ready_with_the_log_head(
    client: Any, ticket: dict[str, Any]
) -> None:
    ready = ok(client.get("/readyz"))
    assert ready["status"] == "ready"
    assert isinstance(ready["log_position"], int)
    assert ready["log_position"] >= 1


def test_the_readiness_head_follows_commands(agent: Caller, ticket: dict[str, Any]) -> None:
    answer = agent.post(f"/v1/tickets/{ticket['id']}/notes", {"body": "Checked."})
    assert ok(agent.client.get("/readyz"))["log_position"] == int(answer.headers["x-log-position"])


def test_metrics_count_answers_by_method_and_status(client: Any, customer: Caller) -> None:
    customer.post("/v1/tickets", {"subject": "", "body": "x"})
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert "# TYPE ticketing_http_responses_total counter" in text
    assert value(text, "ticketing_http_responses_total", method="POST", status="201")
    assert value(text, "ticketing_http_responses_total", method="POST", status="400") == 1
    assert "# TYPE ticketing_log_position gauge" in text


def test_metrics_report_the_log_head(client: Any, ticket: dict[str, Any]) -> None:
    head = ok(client.get("/readyz"))["log_position"]
    assert value(client.get("/metrics").text, "ticketing_log_position") == head


def test_the_openapi_document_names_every_route(client: Any) -> None:
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "ticketing"
    paths = document["paths"]
    for route in ("/v1/tickets", "/v1/tickets/{ticket_id}", "/v1/agents", "/v1/customers"):
        assert route in paths
    operation_ids = {
        operation["operationId"] for item in paths.values() for operation in item.values()
    }
    assert operation_ids >= OPERATIONS


def test_the_schema_has_a_browsable_page(client: Any) -> None:
    answer = client.get("/schema")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
