"""The organisation the console's tests and benchmark work in, made through the admin API
by whatever client they use: IT Support (an 8-hour resolution SLA, round-robin to John
Doe), Billing, the IT Support help topic, and people of every role the console serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AdminPost = Callable[[str, dict[str, Any]], dict[str, Any]]
"""Posts a body to an admin route and answers the created item."""
STAFF = {
    "agent": ("John Doe", "agent", "it"),
    "billing": ("Bill Ing", "agent", "billing"),
    "supervisor": ("Sue Pervisor", "supervisor", None),
    "auditor": ("Ada Audit", "auditor", None),
    "analyst": ("Ann Alyst", "analyst", None),
}
CUSTOMERS = {"customer": "Jane Roe", "other": "Richard Roe"}


@dataclass(frozen=True)
class Made:
    department_id: str
    other_department_id: str
    topic_id: str
    people: dict[str, tuple[str, str]]
    """Each person's id and token, by the key the tests call them."""


def organisation(post: AdminPost) -> Made:
    plan = post(
        "/v1/sla-plans",
        {"name": "Standard", "first_response_minutes": 60, "resolution_minutes": 480},
    )
    departments = {
        key: post("/v1/departments", {"name": name, "sla_plan_id": plan["id"], "auto_assign": mode})
        for key, name, mode in (("it", "IT Support", "round_robin"), ("billing", "Billing", "none"))
    }
    topic = post(
        "/v1/help-topics",
        {"name": "IT Support", "department_id": departments["it"]["id"], "priority": "normal"},
    )
    people: dict[str, tuple[str, str]] = {}
    for key, (name, role, department) in STAFF.items():
        ids = [departments[department]["id"]] if department else []
        body = {"name": name, "email": f"{key}@example.com", "role": role, "department_ids": ids}
        made = post("/v1/agents", body)
        people[key] = (made["id"], made["token"])
    for key, name in CUSTOMERS.items():
        made = post("/v1/customers", {"name": name, "email": f"{key}@example.com"})
        people[key] = (made["id"], made["token"])
    return Made(departments["it"]["id"], departments["billing"]["id"], topic["id"], people)
