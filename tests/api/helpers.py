"""Small helpers the API tests share: problem documents, ticket paths, versions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

from .conftest import Caller

PROBLEM_KEYS = {"type", "title", "status", "detail"}
RFC3339_MICROS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
NOBODYS_TICKET = str(uuid4())

VALID_BODIES: dict[str, dict[str, Any]] = {
    "assign": {"agent_id": None},
    "transfer": {"department_id": str(uuid4())},
    "replies": {"body": "Any news?"},
    "notes": {"body": "Checked the logs."},
    "status": {"status": "in_progress"},
    "priority": {"priority": "high"},
    "resolve": {"resolution": "Reset the password."},
    "close": {},
    "reopen": {"reason": "It happens again."},
    "review": {"rating": 5, "comment": "Quick and kind."},
}
"""A well-formed body for each ticket command."""

CUSTOMER_COMMANDS = ("replies", "close", "reopen", "review")
STAFF_ONLY_COMMANDS = ("assign", "transfer", "notes", "status", "priority", "resolve")


def path(ticket_id: str, route: str = "", **query: Any) -> str:
    """The path of a ticket, or of one of its routes, with an optional query."""
    base = f"/v1/tickets/{ticket_id}" + (f"/{route}" if route else "")
    return f"{base}?{urlencode(query)}" if query else base


def problem(answer: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """Asserts that the answer is an RFC 9457 problem document with this status (and field)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert all(isinstance(body[key], str) and body[key] for key in ("type", "title", "detail"))
    if field is not None:
        assert body.get("field") == field, body
    return body


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def version_of(caller: Caller, ticket_id: str) -> int:
    """The ticket's current version, as the caller reads it."""
    version: int = ok(caller.get(path(ticket_id)))["version"]
    return version


def history_of(caller: Caller, ticket_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(caller.get(path(ticket_id, "history")))["items"]
    return items


def log_head(caller: Caller) -> int:
    """The global position of the newest event, from the readiness probe."""
    head: int = ok(caller.client.get("/readyz"))["log_position"]
    return head


def rfc3339(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
