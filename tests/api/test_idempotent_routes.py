"""Every POST and DELETE route of the app, retried with the same `Idempotency-Key`,
answers the first answer and records nothing new (API.md, Idempotency), on both stores.

The routes come from the app's route table: a new command route without a request in
`CALLS` fails here. The one difference a replay may show is a freshly issued token,
answered `null` (README, Idempotency: tokens are shown once and kept only as hashes).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

import pytest
from litestar.testing import TestClient

from domain.values import Role

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import log_head, ok, path
from .idempotent_calls import (
    CALLS,
    COMMAND_METHODS,
    CREATING,
    ISSUING,
    PLAN,
    QUERIES,
    TICKET,
    Later,
    Route,
    World,
)


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
