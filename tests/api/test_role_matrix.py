"""Every route by every role, built from the app's own route table: a route without
declared roles, or answering 403 to a role it declares (or not to one it does not),
fails here, so a new route cannot skip access control."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from api.auth import PUBLIC_PATHS
from domain.values import Role

from .conftest import Caller

PARAM = re.compile(r"\{[^}:]+(:[a-z]+)?\}")
EXPECTED_ROLES = {("GET", "/v1/mail/outbox"): frozenset({Role.ADMIN})}
"""Routes whose roles are stated here, independently of the guards read back below."""


def routes(client: TestClient[Any]) -> list[tuple[str, str, frozenset[Role]]]:
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


def test_these_routes_declare_exactly_the_roles_expected(client: TestClient[Any]) -> None:
    declared = {(method, path): roles for method, path, roles in routes(client)}
    assert {route: declared.get(route) for route in EXPECTED_ROLES} == EXPECTED_ROLES


def test_each_role_is_refused_exactly_where_the_route_does_not_allow_it(
    client: TestClient[Any], callers: dict[Role, Caller]
) -> None:
    mismatches = []
    checked = 0
    for method, path, roles in routes(client):
        url = PARAM.sub(lambda _: str(uuid4()), path)
        for role, caller in callers.items():
            answer = client.request(method, url, json={}, headers=caller.headers())
            checked += 1
            refused = answer.status_code == 403
            if refused == (role in roles):
                mismatches.append((method, path, role.value, answer.status_code))
            assert answer.status_code < 500, (method, path, role, answer.text)
    assert mismatches == []
    assert checked >= 6 * 30
