"""`/metrics` from prometheus-client: latency histograms by route template, method and
status class, and what each command did (created, changed, replayed, refused)."""

from __future__ import annotations

from typing import Any

from .conftest import Caller
from .metrics_text import samples, total, value

LATENCY = "ticketing_http_request_duration_seconds"
COMMANDS = "ticketing_commands_total"


def test_latency_is_a_histogram_by_route_template_method_and_status_class(
    client: Any, customer: Caller, ticket: dict[str, Any]
) -> None:
    for _ in range(3):
        customer.get(f"/v1/tickets/{ticket['id']}")
    customer.get("/v1/tickets/not-a-ticket-id")
    client.get(f"/v1/tickets/{ticket['id']}")

    text = client.get("/metrics").text

    assert f"# TYPE {LATENCY} histogram" in text
    route = {"route": "/v1/tickets/{ticket_id}", "method": "GET"}
    assert value(text, f"{LATENCY}_count", **route, status_class="2xx") == 3
    assert value(text, f"{LATENCY}_count", **route, status_class="4xx") == 1, "no token: 401"
    buckets = [
        (labels["le"], n)
        for labels, n in samples(text, f"{LATENCY}_bucket")
        if labels.items() >= {**route, "status_class": "2xx"}.items()
    ]
    assert len(buckets) > 2
    assert buckets[-1] == ("+Inf", 3)
    counts = [n for _, n in buckets]
    assert counts == sorted(counts)
    assert value(text, f"{LATENCY}_count", route="/v1/tickets", method="POST", status_class="2xx")
    assert ticket["id"] not in text, "a raw path is not a label"


def test_commands_are_counted_by_kind_and_outcome(client: Any, customer: Caller) -> None:
    body = {"subject": "Printer on fire", "body": "Smoke."}
    opened = customer.post("/v1/tickets", body, **{"Idempotency-Key": "open-1"})
    assert opened.status_code == 201
    assert customer.post("/v1/tickets", body, **{"Idempotency-Key": "open-1"}).status_code == 201
    replied = customer.post(f"/v1/tickets/{opened.json()['id']}/replies", {"body": "Still."})
    assert replied.status_code == 200
    assert customer.post("/v1/tickets", {"subject": "", "body": "x"}).status_code == 400

    text = client.get("/metrics").text

    assert value(text, COMMANDS, command="openTicket", outcome="created") == 1
    assert value(text, COMMANDS, command="openTicket", outcome="replayed") == 1
    assert value(text, COMMANDS, command="openTicket", outcome="refused") == 1
    assert value(text, COMMANDS, command="replyToTicket", outcome="changed") == 1
    assert value(text, COMMANDS, command="registerCustomer", outcome="created") == 1
    assert total(text, COMMANDS, outcome="failed") == 0


def test_the_store_gauges_report_each_projection_and_todays_breaches(client: Any) -> None:
    text = client.get("/metrics").text

    positions = {
        labels["projection"] for labels, _ in samples(text, "ticketing_projection_position")
    }
    assert {"queue", "audit", "timers", "reports"} <= positions
    assert value(text, "ticketing_projection_lag_events", projection="queue") is not None
    assert value(text, "ticketing_sla_breaches_today") == 0
