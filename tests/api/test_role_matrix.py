"""Every route by every role, against a table of expected answers written here.

The table states, for each route of the app, the status each role gets for one well-formed
request with random ids (below): 403 where the role is refused, otherwise what the route
answers that role (404 for an unknown id, 400 for an unknown reference in the body, 200
or 201 where the request succeeds). It is written out, not read from the guards under
test, so a guard that lets in a role the contract refuses fails here. A route added to the
app without a row, or a row whose route is gone, fails too, as does a route that declares
no roles.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from api.auth import PUBLIC_PATHS
from domain.values import Role

from .conftest import Caller

PARAM = re.compile(r"\{[^}:]+(:[a-z]+)?\}")
ROLES = (Role.CUSTOMER, Role.AGENT, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
"""The columns of the table, in this order."""

Route = tuple[str, str]
TICKET = "/v1/tickets/{ticket_id:uuid}"

EXPECTED: dict[Route, tuple[int, int, int, int, int, int]] = {
    #                                                cust agent super audit analy admin
    # Tickets: customers their own (404 for any other), workers all, nobody else.
    ("POST", f"{TICKET}/assign"):                    (403, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/transfer"):                  (403, 400, 400, 403, 403, 403),
    ("POST", f"{TICKET}/replies"):                   (404, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/notes"):                     (403, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/status"):                    (403, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/priority"):                  (403, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/resolve"):                   (403, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/close"):                     (404, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/reopen"):                    (404, 404, 404, 403, 403, 403),
    ("POST", f"{TICKET}/review"):                    (404, 403, 403, 403, 403, 403),
    ("POST", "/v1/tickets"):                         (201, 201, 201, 403, 403, 403),
    ("GET", TICKET):                                 (404, 404, 404, 404, 403, 403),
    ("GET", f"{TICKET}/history"):                    (404, 404, 404, 404, 403, 403),
    ("GET", f"{TICKET}/verify"):                     (403, 403, 403, 404, 403, 403),
    ("GET", "/v1/tickets"):                          (200, 200, 200, 200, 403, 403),
    # Attachments: uploads like replies; downloads like the ticket's messages.
    ("POST", f"{TICKET}/attachments"):               (404, 404, 404, 403, 403, 403),
    ("GET", "/v1/attachments/{attachment_id:uuid}"): (404, 404, 404, 404, 403, 403),
    # People: admins register and read them; staff mark only themselves away (403 for
    # anyone else, so for a random id too).
    ("POST", "/v1/agents"):                          (403, 403, 403, 403, 403, 201),
    ("GET", "/v1/agents"):                           (403, 403, 403, 403, 403, 200),
    ("GET", "/v1/agents/{person_id:uuid}"):          (403, 403, 403, 403, 403, 404),
    ("POST", "/v1/agents/{person_id:uuid}/availability"): (403, 403, 403, 403, 403, 404),
    ("POST", "/v1/customers"):                       (403, 403, 403, 403, 403, 201),
    ("GET", "/v1/customers"):                        (403, 403, 403, 403, 403, 200),
    ("GET", "/v1/customers/{person_id:uuid}"):       (403, 403, 403, 403, 403, 404),
    ("POST", "/v1/customers/{person_id:uuid}/erase"): (403, 403, 403, 403, 403, 404),
    # Tokens: staff and customers manage their own, admins anyone's; an unknown person
    # is not found.
    ("POST", "/v1/agents/{person_id:uuid}/tokens"):  (403, 404, 404, 404, 404, 404),
    ("DELETE", "/v1/agents/{person_id:uuid}/tokens/{token_id:uuid}"): (
                                                      403, 404, 404, 404, 404, 404),
    ("POST", "/v1/customers/{person_id:uuid}/tokens"): (404, 403, 403, 403, 403, 404),
    ("DELETE", "/v1/customers/{person_id:uuid}/tokens/{token_id:uuid}"): (
                                                      404, 403, 403, 403, 403, 404),
    # Organisation: admins define, staff read (help topics: customers too).
    ("POST", "/v1/calendars"):                       (403, 403, 403, 403, 403, 201),
    ("GET", "/v1/calendars"):                        (403, 200, 200, 200, 200, 200),
    ("GET", "/v1/calendars/{calendar_id:uuid}"):     (403, 404, 404, 404, 404, 404),
    ("POST", "/v1/sla-plans"):                       (403, 403, 403, 403, 403, 201),
    ("GET", "/v1/sla-plans"):                        (403, 200, 200, 200, 200, 200),
    ("GET", "/v1/sla-plans/{plan_id:uuid}"):         (403, 404, 404, 404, 404, 404),
    ("POST", "/v1/sla-plans/{plan_id:uuid}/preview"): (403, 404, 404, 404, 404, 404),
    ("POST", "/v1/sla-plans/{plan_id:uuid}/versions"): (403, 403, 403, 403, 403, 404),
    ("POST", "/v1/departments"):                     (403, 403, 403, 403, 403, 201),
    ("GET", "/v1/departments"):                      (403, 200, 200, 200, 200, 200),
    ("GET", "/v1/departments/{department_id:uuid}"): (403, 404, 404, 404, 404, 404),
    ("POST", "/v1/help-topics"):                     (403, 403, 403, 403, 403, 400),
    ("GET", "/v1/help-topics"):                      (200, 200, 200, 200, 200, 200),
    ("GET", "/v1/help-topics/{topic_id:uuid}"):      (404, 404, 404, 404, 404, 404),
    # Read models: workers their queues (an agent finds no department not theirs, a
    # supervisor reads any), auditors the audit log, reports for supervisors and analysts.
    ("GET", "/v1/queues/mine"):                      (403, 200, 200, 403, 403, 403),
    ("GET", "/v1/queues/departments/{department_id:uuid}"): (403, 404, 200, 403, 403, 403),
    ("GET", "/v1/sla/timers"):                       (403, 200, 200, 403, 403, 403),
    ("GET", "/v1/audit/events"):                     (403, 403, 403, 200, 403, 403),
    ("GET", "/v1/events"):                           (403, 403, 403, 200, 200, 403),
    ("GET", "/v1/reports/daily"):                    (403, 403, 200, 403, 200, 403),
    ("POST", "/v1/what-if/sla"):                     (403, 403, 200, 403, 200, 403),
    ("GET", "/v1/projections"):                      (403, 200, 200, 200, 200, 200),
    ("GET", "/v1/mail/outbox"):                      (403, 403, 403, 403, 403, 200),
    ("GET", "/v1/mail/quarantine"):                  (403, 403, 403, 403, 403, 200),
    ("GET", "/v1/mail/quarantine/{mail_id:str}/raw"): (403, 403, 403, 403, 403, 404),
}  # fmt: skip

PLAN = {"name": "Standard", "first_response_minutes": 60, "resolution_minutes": 480}
BODIES: dict[Route, dict[str, Any]] = {
    ("POST", f"{TICKET}/assign"): {"agent_id": None},
    ("POST", f"{TICKET}/transfer"): {"department_id": str(uuid4())},
    ("POST", f"{TICKET}/replies"): {"body": "Any news?"},
    ("POST", f"{TICKET}/notes"): {"body": "Checked the logs."},
    ("POST", f"{TICKET}/status"): {"status": "in_progress"},
    ("POST", f"{TICKET}/priority"): {"priority": "high"},
    ("POST", f"{TICKET}/resolve"): {"resolution": "Reset the password."},
    ("POST", f"{TICKET}/close"): {},
    ("POST", f"{TICKET}/reopen"): {"reason": "It happens again."},
    ("POST", f"{TICKET}/review"): {"rating": 5, "comment": "Quick and kind."},
    ("POST", "/v1/tickets"): {"subject": "Online Banking Outage", "body": "I cannot log in."},
    ("POST", "/v1/agents"): {"name": "Eve", "email": "eve@example.com", "role": "agent"},
    ("POST", "/v1/agents/{person_id:uuid}/availability"): {"away": True},
    ("POST", "/v1/customers"): {"name": "Carl", "email": "carl@example.com"},
    ("POST", "/v1/agents/{person_id:uuid}/tokens"): {},
    ("POST", "/v1/customers/{person_id:uuid}/tokens"): {},
    ("POST", "/v1/calendars"): {
        "name": "Berlin office",
        "timezone": "Europe/Berlin",
        "hours": {"mon": [["09:00", "17:00"]]},
    },
    ("POST", "/v1/sla-plans"): PLAN,
    ("POST", "/v1/sla-plans/{plan_id:uuid}/preview"): {"start": "2026-03-02T09:00:00Z"},
    ("POST", "/v1/sla-plans/{plan_id:uuid}/versions"): PLAN,
    ("POST", "/v1/departments"): {"name": "IT Support"},
    ("POST", "/v1/help-topics"): {"name": "VPN", "department_id": str(uuid4())},
    ("POST", "/v1/what-if/sla"): {
        "plan": {"first_response_minutes": 30, "resolution_minutes": 240},
        "from": "2026-03-01T00:00:00Z",
        "to": "2026-03-08T00:00:00Z",
    },
}
"""The well-formed body of each route that takes one (an unknown department in each
reference, so that the answer does not depend on what exists)."""
QUERIES: dict[Route, str] = {("GET", "/v1/reports/daily"): "?from=2026-03-01&to=2026-03-02"}


def routes(client: TestClient[Any]) -> list[tuple[str, str, frozenset[Role]]]:
    """The app's route table (but the public paths): method, path, declared roles."""
    found = []
    for route in client.app.routes:
        if route.path.startswith(PUBLIC_PATHS):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                roles: set[Role] = set()
                for layer in handler.ownership_layers:  # the app, controller and handler
                    for guard in layer.guards or []:
                        roles |= getattr(guard, "roles", set())
                found.append((method, route.path, frozenset(roles)))
    return found


def test_every_route_declares_its_roles(client: TestClient[Any]) -> None:
    table = routes(client)
    assert len(table) > 30
    undeclared = [(m, p) for m, p, roles in table if not roles]
    assert undeclared == []


def test_the_table_has_a_row_for_every_route_and_no_other(client: TestClient[Any]) -> None:
    in_app = {(method, path) for method, path, _ in routes(client)}
    assert sorted(in_app - EXPECTED.keys()) == [], "routes without a row in EXPECTED"
    assert sorted(EXPECTED.keys() - in_app) == [], "rows for routes the app no longer has"
    assert BODIES.keys() <= EXPECTED.keys()
    assert QUERIES.keys() <= EXPECTED.keys()


def test_every_role_gets_the_answer_the_table_states_on_every_route(
    client: TestClient[Any], callers: dict[Role, Caller]
) -> None:
    assert set(callers) == set(ROLES)
    answered = {}
    for method, path in EXPECTED:
        url = PARAM.sub(lambda _: str(uuid4()), path) + QUERIES.get((method, path), "")
        body = {"json": BODIES[method, path]} if (method, path) in BODIES else {}
        statuses = []
        for role in ROLES:
            answer = client.request(method, url, headers=callers[role].headers(), **body)
            statuses.append(answer.status_code)
            if answer.status_code >= 400:
                assert answer.headers["content-type"].startswith("application/problem+json")
        answered[method, path] = tuple(statuses)
    mismatches = {
        route: {"answered": answered[route], "expected": want}
        for route, want in EXPECTED.items()
        if answered[route] != want
    }
    assert mismatches == {}
