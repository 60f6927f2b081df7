"""The shape of a request, checked before any handler runs: a JSON body nested deeper than
the schemas ever go is refused naming `body` (never a RecursionError), and a query
parameter the route does not take is refused naming it; both on every route, found from
the app's own route table."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from api.request_shape import MAX_DEPTH
from domain.values import Role

from .conftest import Caller
from .helpers import ok, path, problem

PARAM = re.compile(r"\{[^}:]+(:[a-z]+)?\}")
JSON = {"Content-Type": "application/json"}
TICKET = b'{"subject": "Hi", "body": "x", "extra": %s}'


def nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + closing * depth


def objects(depth: int) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


def routes(client: TestClient[Any]) -> list[tuple[str, str, Any]]:
    """(method, path, handler) of every route, HEAD and OPTIONS aside."""
    return [
        (method, route.path, handler)
        for route in client.app.routes
        for handler in getattr(route, "route_handlers", [])
        for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"})
    ]


def roles_of(handler: Any) -> set[Role]:
    roles: set[Role] = set()
    for layer in handler.ownership_layers:
        for guard in layer.guards or []:
            roles |= getattr(guard, "roles", set())
    return roles


def allowed(handler: Any, callers: dict[Role, Caller]) -> dict[str, str]:
    """Headers of someone the route lets in (none for the public routes)."""
    roles = roles_of(handler)
    if not roles:
        return {}
    return next(c.headers() for role, c in callers.items() if role in roles)


@pytest.mark.parametrize(
    "deep",
    [nested(100_000), nested(100_000, b"{", b"}"), objects(100_000), b"[" * 100_000],
    ids=["arrays", "unbalanced-braces", "objects", "unclosed"],
)
def test_a_body_nested_too_deep_is_refused_naming_the_body(customer: Caller, deep: bytes) -> None:
    answer = customer.client.post(
        "/v1/tickets", content=TICKET % deep, headers=customer.headers(**JSON)
    )
    assert "deeper" in problem(answer, 400, field="body")["detail"]


def test_nesting_up_to_the_bound_reaches_the_schema_and_brackets_in_text_do_not_count(
    customer: Caller,
) -> None:
    at_bound = TICKET % nested(MAX_DEPTH - 1)
    answer = customer.client.post("/v1/tickets", content=at_bound, headers=customer.headers(**JSON))
    problem(answer, 400, field="extra")
    bracketed = "[{" * 5_000 + '"' + "}]" * 5_000
    body = {"subject": "Brackets", "body": bracketed}
    opened = ok(customer.post("/v1/tickets", body), 201)
    assert ok(customer.get(path(opened["id"])))["messages"][0]["body"] == bracketed


def test_every_route_with_a_body_refuses_deep_nesting_before_its_handler(
    client: TestClient[Any], callers: dict[Role, Caller]
) -> None:
    checked = []
    for method, route, handler in routes(client):
        if "data" not in handler.parsed_fn_signature.parameters:
            continue
        url = PARAM.sub(lambda _: str(uuid4()), route)
        headers = {**allowed(handler, callers), **JSON}
        answer = client.request(method, url, content=nested(100_000), headers=headers)
        problem(answer, 400, field="body")
        checked.append((method, route))
    assert len(checked) > 20


def test_an_unknown_query_parameter_is_refused_naming_it_on_every_route(
    client: TestClient[Any], callers: dict[Role, Caller]
) -> None:
    checked = []
    for method, route, handler in routes(client):
        url = PARAM.sub(lambda _: str(uuid4()), route) + "?sortby=due"
        answer = client.request(method, url, headers=allowed(handler, callers))
        body = problem(answer, 400, field="sortby")
        assert "sortby" in body["detail"]
        checked.append((method, route))
    assert len(checked) > 40


def test_a_queue_refuses_a_point_in_time_it_does_not_know_instead_of_answering_the_present(
    callers: dict[Role, Caller],
) -> None:
    supervisor = callers[Role.SUPERVISOR]
    answer = supervisor.get(f"/v1/queues/departments/{uuid4()}?at=2026-01-01T00:00:00Z")
    problem(answer, 400, field="at")


def test_every_unknown_parameter_is_named_and_known_ones_pass(
    callers: dict[Role, Caller],
) -> None:
    auditor = callers[Role.AUDITOR]
    body = problem(auditor.get("/v1/audit/events?b_param=1&a_param=2&limit=3"), 400, "a_param")
    assert "a_param" in body["detail"]
    assert "b_param" in body["detail"]
    # Aliased parameters (`from`, `to`) and repeated ones are known.
    page = ok(auditor.get("/v1/audit/events?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z"))
    assert page["items"] == []
