"""A request for every POST and DELETE route of the app, and what each needs made first:
the table the idempotency and causation tests run every command route from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

from domain.values import Role

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path

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

    def send(self, key: str | None, **headers: str) -> Any:
        """Sends the request (with the `Idempotency-Key` when given, and the headers)."""
        extra = {"json": self.body} if self.files is None else {"files": self.files}
        if key is not None:
            headers["Idempotency-Key"] = key
        sent = self.caller.headers(**headers)
        return self.caller.client.request(self.method, self.url, headers=sent, **extra)


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
    ("POST", "/v1/customers/{person_id:uuid}/erase"): lambda w: Call(
        w.admin, "POST", f"/v1/customers/{w.customer.id}/erase", {}
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
