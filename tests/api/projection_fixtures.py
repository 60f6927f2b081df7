"""What the read-model tests share: an app that runs the projections in its own process on
both stores, commands that report their log position, and reads that wait for it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import ok, path

MAX_PAGES = 100
"""More pages than any test needs: a walk that goes on longer is looping."""

QUEUE_ITEM_FIELDS = {
    "ticket_id",
    "number",
    "subject",
    "status",
    "priority",
    "department_id",
    "assignee_id",
    "customer_id",
    "created_at",
    "last_activity_at",
    "first_response_due",
    "resolution_due",
    "next_response_due",
    "sla_state",
    "business_minutes_left",
}
"""The fields of every queue item (API.md, Projections)."""


def app_client(settings: Settings, clock: FakeClock, workers: bool) -> Iterator[TestClient[Any]]:
    """A test client whose app runs (or, with `workers=False`, never runs) the projections
    in-process; on PostgreSQL the default client runs none, so reads would never catch up."""
    settings = replace(settings, embedded_workers=workers)
    migrate(settings)
    with TestClient(create_app(build_services(settings, clock=clock))) as test_client:
        yield test_client


def position_of(answer: Any) -> int:
    """The global log position a command answer reports."""
    return int(answer.headers["x-log-position"])


def command(caller: Caller, ticket_id: str, route: str, body: Any) -> int:
    """Runs a ticket command that must succeed; answers its log position."""
    answer = caller.post(path(ticket_id, route), body)
    ok(answer)
    return position_of(answer)


def open_ticket(caller: Caller, subject: str, priority: str = "normal") -> tuple[str, int]:
    """Opens a ticket; answers its id and the log position of its creation."""
    answer = caller.post("/v1/tickets", {"subject": subject, "body": "Help.", "priority": priority})
    return ok(answer, 201)["id"], position_of(answer)


def url(route: str, **query: Any) -> str:
    """The route with the query parameters that are not None."""
    given = {k: v for k, v in query.items() if v is not None}
    return f"{route}?{urlencode(given)}" if given else route


def read(caller: Caller, route: str, position: int | None = None, **query: Any) -> dict[str, Any]:
    """One page of a read model, once it has processed `position`."""
    return ok(caller.get(url(route, min_position=position, **query)))


def walk(caller: Caller, route: str, position: int | None = None, **query: Any) -> list[Any]:
    """Every page of a list, following `next_cursor`; answers the pages' items."""
    pages: list[list[Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = read(caller, route, position, cursor=cursor, **query)
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError(f"{route} gave more than {MAX_PAGES} pages")


def staff(admin: Caller, role: str, name: str) -> Caller:
    """A staff member with the given role, registered through the API."""
    email = f"{name.lower().replace(' ', '.')}@example.com"
    return register(admin, "/v1/agents", name=name, email=email, role=role)


def b64(raw: bytes) -> str:
    """Bytes encoded the way cursors are, to forge cursors the server never gave."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
