"""Every POST and DELETE route of the app, retried with the same `Idempotency-Key`,
answers the first answer and records nothing new (API.md, Idempotency), on both stores.

The routes come from the app's route table: a new command route without a request in
`CALLS` fails here. The one difference a replay may show is a freshly issued token,
answered `null` (README, Idempotency: tokens are shown once and kept only as hashes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

import pytest
from litestar.testing import TestClient

from domain.values import Role

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import log_head, ok, path

Route = tuple[str, str]
Later = Callable[["World", dict[str, Any]], Any]
"""A change made between the first call and its retry, given the first answer."""
TICKET = "/v1/tickets/{ticket_id:uuid}"
COMMAND_METHODS = {"POST", "DELETE"}
IN_AN_HOUR = "2026-03-02T10:00:00Z"
"""An hour after the fixture clock starts: when the tokens issued here expire."""
PLAN = {"name": "Standard", "first_response_minutes": 60, "resolution_minutes": 480}
SCREENSHOT = ("login.png", b"\x89PNG not really", "image/png")
CALENDAR = {"name": "Office", "timezone": "Europe/Berlin", "hours": {"mon": [["09:00", "17:00"]]}}


@dataclass(frozen=True)
class Call:
    """One request, sent as often as the test likes with the key it is given."""

    caller: Caller
    method: str
    url: str
    body: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None  # an upload's parts

    def send(self, key: str) -> Any:
        extra = {"json": self.body} if self.files is None else {"files": self.files}
        headers = self.caller.headers(**{"Idempotency-Key": key})
        return self.caller.client.request(self.method, self.url, headers=headers, **extra)


class World:
    """What the requests need, made through the API when first asked for."""

    def __init__(self, callers: dict[Role, Caller], clock: FakeClock) -> None:
        self.clock = clock
        self.admin = callers[Role.ADMIN]
        self.customer = callers[Role.CUSTOMER]
        self.agent = callers[Role.AGENT]
        self.supervisor = callers[Role.SUPERVISOR]

    @cached_property
    def ticket(self) -> str:
        """A ticket of the customer's, open, in no department (none exists yet)."""
        body = {"subject": "Online Banking Outage", "body": "I cannot log in."}
        ticket_id: str = ok(self.customer.post("/v1/tickets", body), 201)["id"]
        return ticket_id

    @cached_property
    def resolved_ticket(self) -> str:
        ok(self.supervisor.post(path(self.ticket, "resolve"), {"resolution": "Reset it."}))
        return self.ticket

    @cached_property
    def department(self) -> str:
        department_id: str = ok(self.admin.post("/v1/departments", {"name": "Billing"}), 201)["id"]
        return department_id

    @cached_property
    def plan(self) -> str:
        plan_id: str = ok(self.admin.post("/v1/sla-plans", PLAN), 201)["id"]
        return plan_id

    def second_token(self, caller: Caller, collection: str) -> str:
        """The id of a further token of the caller's, which they may revoke while they
        keep using the first."""
        issued = ok(caller.post(f"{collection}/{caller.id}/tokens", {}), 201)
        token_id: str = issued["token_id"]
        return token_id


def transfer(w: World) -> Call:
    ticket = w.ticket  # opened before the department exists, so it is in none
    return Call(w.supervisor, "POST", path(ticket, "transfer"), {"department_id": w.department})


def revoke(collection: str, who: Callable[[World], Caller]) -> Callable[[World], Call]:
    def call(w: World) -> Call:
        caller = who(w)
        token_id = w.second_token(caller, collection)
        return Call(caller, "DELETE", f"{collection}/{caller.id}/tokens/{token_id}")

    return call


def staff_command(route: str, body: dict[str, Any]) -> Callable[[World], Call]:
    return lambda w: Call(w.supervisor, "POST", path(w.ticket, route), body)


CALLS: dict[Route, Callable[[World], Call]] = {
    ("POST", "/v1/tickets"): lambda w: Call(
        w.customer, "POST", "/v1/tickets", {"subject": "VPN down", "body": "Since noon."}
    ),
    ("POST", f"{TICKET}/assign"): lambda w: Call(
        w.supervisor, "POST", path(w.ticket, "assign"), {"agent_id": w.supervisor.id}
    ),
    ("POST", f"{TICKET}/transfer"): transfer,
    ("POST", f"{TICKET}/replies"): staff_command("replies", {"body": "Which browser?"}),
    ("POST", f"{TICKET}/notes"): staff_command("notes", {"body": "Password expired."}),
    ("POST", f"{TICKET}/attachments"): lambda w: Call(
        w.customer, "POST", path(w.ticket, "attachments"), files=[("file", SCREENSHOT)]
    ),
    ("POST", f"{TICKET}/status"): staff_command("status", {"status": "in_progress"}),
    ("POST", f"{TICKET}/priority"): staff_command("priority", {"priority": "high"}),
    ("POST", f"{TICKET}/resolve"): staff_command("resolve", {"resolution": "Reset it."}),
    ("POST", f"{TICKET}/close"): staff_command("close", {}),
    ("POST", f"{TICKET}/reopen"): lambda w: Call(
        w.customer, "POST", path(w.resolved_ticket, "reopen"), {"reason": "Still broken."}
    ),
    ("POST", f"{TICKET}/review"): lambda w: Call(
        w.customer, "POST", path(w.resolved_ticket, "review"), {"rating": 4, "comment": "Ok."}
    ),
    ("POST", "/v1/agents"): lambda w: Call(
        w.admin, "POST", "/v1/agents", {"name": "Eve", "email": "eve@example.com"}
    ),
    ("POST", "/v1/customers"): lambda w: Call(
        w.admin, "POST", "/v1/customers", {"name": "Carl", "email": "carl@example.com"}
    ),
    ("POST", "/v1/agents/{person_id:uuid}/availability"): lambda w: Call(
        w.agent, "POST", f"/v1/agents/{w.agent.id}/availability", {"away": True}
    ),
    ("POST", "/v1/agents/{person_id:uuid}/tokens"): lambda w: Call(
        w.agent, "POST", f"/v1/agents/{w.agent.id}/tokens", {"expires_at": IN_AN_HOUR}
    ),
    ("DELETE", "/v1/agents/{person_id:uuid}/tokens/{token_id:uuid}"): revoke(
        "/v1/agents", attrgetter("agent")
    ),
    ("POST", "/v1/customers/{person_id:uuid}/tokens"): lambda w: Call(
        w.customer, "POST", f"/v1/customers/{w.customer.id}/tokens", {"expires_at": IN_AN_HOUR}
    ),
    ("DELETE", "/v1/customers/{person_id:uuid}/tokens/{token_id:uuid}"): revoke(
        "/v1/customers", attrgetter("customer")
    ),
    ("POST", "/v1/calendars"): lambda w: Call(w.admin, "POST", "/v1/calendars", CALENDAR),
    ("POST", "/v1/sla-plans"): lambda w: Call(w.admin, "POST", "/v1/sla-plans", PLAN),
    ("POST", "/v1/sla-plans/{plan_id:uuid}/versions"): lambda w: Call(
        w.admin, "POST", f"/v1/sla-plans/{w.plan}/versions", {**PLAN, "resolution_minutes": 240}
    ),
    ("POST", "/v1/sla-plans/{plan_id:uuid}/preview"): lambda w: Call(
        w.agent, "POST", f"/v1/sla-plans/{w.plan}/preview", {"start": "2026-03-02T09:00:00Z"}
    ),
    ("POST", "/v1/departments"): lambda w: Call(
        w.admin, "POST", "/v1/departments", {"name": "IT Support", "auto_assign": "none"}
    ),
    ("POST", "/v1/help-topics"): lambda w: Call(
        w.admin, "POST", "/v1/help-topics", {"name": "VPN", "department_id": w.department}
    ),
    ("POST", "/v1/what-if/sla"): lambda w: Call(
        w.supervisor,
        "POST",
        "/v1/what-if/sla",
        {
            "plan": {"first_response_minutes": 30, "resolution_minutes": 240},
            "from": "2026-03-01T00:00:00Z",
            "to": "2026-03-08T00:00:00Z",
        },
    ),
}
"""A request each command route accepts, and what it needs made first."""
ISSUING = {
    ("POST", "/v1/agents"),
    ("POST", "/v1/customers"),
    ("POST", "/v1/agents/{person_id:uuid}/tokens"),
    ("POST", "/v1/customers/{person_id:uuid}/tokens"),
}
"""The routes whose first answer shows a new token."""
CREATED = ("/v1/tickets", "/v1/calendars", "/v1/sla-plans", "/v1/departments", "/v1/help-topics")
CREATING = ISSUING | {("POST", c) for c in (*CREATED, f"{TICKET}/attachments")}
"""The routes whose first answer is 201 (the rest answer 200)."""
QUERIES = {("POST", "/v1/sla-plans/{plan_id:uuid}/preview"), ("POST", "/v1/what-if/sla")}
"""POST routes that record nothing (so answer no log position)."""


def note_on_the_ticket(w: World, _: dict[str, Any]) -> None:
    ok(w.supervisor.post(path(w.ticket, "notes"), {"body": "Later."}))


def reopen_the_ticket(w: World, _: dict[str, Any]) -> None:
    """What may still happen to a closed ticket."""
    ok(w.supervisor.post(path(w.ticket, "reopen"), {"reason": "Later."}))


def another_token(caller: Callable[[World], Caller], collection: str) -> Later:
    return lambda w, _: ok(caller(w).post(f"{collection}/{caller(w).id}/tokens", {}), 201)


def past_expiry(caller: Callable[[World], Caller], collection: str) -> Later:
    """Another token, once the first one's expiry has passed: the retry of its issue is
    still the first answer, not a refusal of an expiry now in the past."""

    def later(w: World, first: dict[str, Any]) -> None:
        w.clock.advance(hours=2)
        another_token(caller, collection)(w, first)

    return later


MEANWHILE: dict[Route, Later] = {
    ("POST", "/v1/tickets"): lambda w, first: ok(
        w.supervisor.post(path(first["id"], "replies"), {"body": "Later."})
    ),
    **{route: note_on_the_ticket for route in CALLS if route[1].startswith(f"{TICKET}/")},
    ("POST", f"{TICKET}/close"): reopen_the_ticket,
    ("POST", "/v1/agents"): lambda w, first: ok(
        w.admin.post(f"/v1/agents/{first['id']}/availability", {"away": True})
    ),
    ("POST", "/v1/agents/{person_id:uuid}/availability"): lambda w, _: ok(
        w.agent.post(f"/v1/agents/{w.agent.id}/availability", {"away": False})
    ),
    ("POST", "/v1/agents/{person_id:uuid}/tokens"): past_expiry(attrgetter("agent"), "/v1/agents"),
    ("DELETE", "/v1/agents/{person_id:uuid}/tokens/{token_id:uuid}"): another_token(
        attrgetter("agent"), "/v1/agents"
    ),
    ("POST", "/v1/customers/{person_id:uuid}/tokens"): past_expiry(
        attrgetter("customer"), "/v1/customers"
    ),
    ("DELETE", "/v1/customers/{person_id:uuid}/tokens/{token_id:uuid}"): another_token(
        attrgetter("customer"), "/v1/customers"
    ),
    ("POST", "/v1/sla-plans"): lambda w, first: ok(
        w.admin.post(f"/v1/sla-plans/{first['id']}/versions", {**PLAN, "resolution_minutes": 120})
    ),
    ("POST", "/v1/sla-plans/{plan_id:uuid}/versions"): lambda w, _: ok(
        w.admin.post(f"/v1/sla-plans/{w.plan}/versions", {**PLAN, "resolution_minutes": 120})
    ),
}
"""A later change to what the first answer shows, where the resource can change (calendars,
departments and help topics cannot; a customer shows nothing that can; a preview is a
query and remembers nothing)."""


def command_routes(client: TestClient[Any]) -> set[Route]:
    return {
        (method, route.path)
        for route in client.app.routes
        for handler in getattr(route, "route_handlers", [])
        for method in handler.http_methods & COMMAND_METHODS
    }


def test_every_post_and_delete_route_has_a_request_here(client: TestClient[Any]) -> None:
    routes = command_routes(client)
    assert sorted(routes - CALLS.keys()) == [], "command routes without a request in CALLS"
    assert sorted(CALLS.keys() - routes) == [], "requests for routes the app no longer has"
    assert MEANWHILE.keys() <= CALLS.keys()


@pytest.mark.parametrize("route", list(CALLS), ids=[f"{m} {p}" for m, p in CALLS])
def test_a_retry_with_the_same_key_answers_the_first_answer_and_records_nothing(
    callers: dict[Role, Caller], clock: FakeClock, route: Route
) -> None:
    call = CALLS[route](World(callers, clock))
    first = call.send("retry-1")
    assert first.status_code == (201 if route in CREATING else 200), first.text
    head = log_head(call.caller)

    retry = call.send("retry-1")

    assert_replayed(route, first, retry)
    assert log_head(call.caller) == head


@pytest.mark.parametrize("route", list(MEANWHILE), ids=[f"{m} {p}" for m, p in MEANWHILE])
def test_a_retry_after_a_later_change_still_answers_the_first_answer(
    callers: dict[Role, Caller], clock: FakeClock, route: Route
) -> None:
    """The replay shows the resource as the first call left it, not as it is now."""
    world = World(callers, clock)
    call = CALLS[route](world)
    first = call.send("retry-1")
    assert first.status_code == (201 if route in CREATING else 200), first.text
    MEANWHILE[route](world, first.json())
    head = log_head(call.caller)

    retry = call.send("retry-1")

    assert_replayed(route, first, retry)
    assert log_head(call.caller) == head


def assert_replayed(route: Route, first: Any, retry: Any) -> None:
    """The retry answers what the first call answered: status, body (a new token shown
    as null), version; and a log position covering the first call's writes."""
    expected = first.json()
    if route in ISSUING:  # shown once; a replay shows null (README, Idempotency)
        assert expected["token"], first.text
        expected = {**expected, "token": None}
    assert (retry.status_code, retry.json()) == (first.status_code, expected), retry.text
    assert retry.headers.get("etag") == first.headers.get("etag")
    if route not in QUERIES:
        assert int(retry.headers["x-log-position"]) >= int(first.headers["x-log-position"])
