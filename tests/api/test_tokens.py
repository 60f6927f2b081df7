"""Tokens: further tokens work, revoked and expired ones are refused at once, and only
their holder or an admin manages them; each caller is rate limited on their own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock
from .conftest import Caller, register
from .helpers import ok, problem, rfc3339

WHOAMI = "/v1/help-topics"
"""A read every role may make: a token works when this answers 200."""


def tokens_of(person: Caller, kind: str) -> str:
    return f"/v1/{kind}/{person.id}/tokens"


def issue(by: Caller, person: Caller, kind: str, **body: Any) -> dict[str, Any]:
    return ok(by.post(tokens_of(person, kind), body), 201)


def revoke(by: Caller, person: Caller, kind: str, token_id: str) -> Any:
    return by.client.delete(f"{tokens_of(person, kind)}/{token_id}", headers=by.headers())


def works(caller: Caller, token: str) -> bool:
    answer = caller.client.get(WHOAMI, headers={"Authorization": f"Bearer {token}"})
    if answer.status_code == 401:
        problem(answer, 401)
        return False
    ok(answer)
    return True


@pytest.fixture(params=["agents", "customers"])
def holder(request: pytest.FixtureRequest, admin: Caller) -> tuple[Caller, str]:
    """Someone who holds tokens: an agent or a customer, with their collection's name."""
    kind: str = request.param
    person: Caller = request.getfixturevalue("agent" if kind == "agents" else "customer")
    return person, kind


def test_a_further_token_works_beside_the_first(holder: tuple[Caller, str]) -> None:
    person, kind = holder
    issued = issue(person, person, kind)
    assert issued["token"] not in ("", None, person.token)
    assert issued["expires_at"] is None
    assert works(person, issued["token"])
    assert works(person, person.token)


def test_an_admin_issues_a_further_token_for_anyone(
    admin: Caller, holder: tuple[Caller, str]
) -> None:
    person, kind = holder
    assert works(person, issue(admin, person, kind)["token"])


def test_a_further_token_carries_its_holders_role_and_no_more(customer: Caller) -> None:
    token = issue(customer, customer, "customers")["token"]
    answer = customer.client.get("/v1/customers", headers={"Authorization": f"Bearer {token}"})
    problem(answer, 403)


def test_a_revoked_token_is_refused_at_once_while_the_others_still_work(
    holder: tuple[Caller, str],
) -> None:
    person, kind = holder
    doomed, kept = issue(person, person, kind), issue(person, person, kind)
    assert works(person, doomed["token"])
    answer = revoke(person, person, kind, doomed["token_id"])
    assert ok(answer) == {"token_id": doomed["token_id"], "revoked": True}
    assert not works(person, doomed["token"])
    assert works(person, kept["token"])
    assert works(person, person.token)


def test_a_token_revoked_by_an_admin_is_refused_at_once(
    admin: Caller, holder: tuple[Caller, str]
) -> None:
    person, kind = holder
    doomed = issue(person, person, kind)
    ok(revoke(admin, person, kind, doomed["token_id"]))
    assert not works(person, doomed["token"])
    assert works(person, person.token)


def test_a_token_revoking_itself_is_refused_on_its_next_request(customer: Caller) -> None:
    issued = issue(customer, customer, "customers")
    itself = Caller(customer.client, issued["token"], customer.id)
    ok(revoke(itself, customer, "customers", issued["token_id"]))
    problem(itself.get(WHOAMI), 401)


def test_an_expired_token_is_refused(holder: tuple[Caller, str], clock: FakeClock) -> None:
    person, kind = holder
    expires_at = rfc3339(clock.now + timedelta(hours=1))
    issued = issue(person, person, kind, expires_at=expires_at)
    assert issued["expires_at"] == expires_at
    clock.advance(minutes=59)
    assert works(person, issued["token"])
    clock.advance(minutes=2)
    assert not works(person, issued["token"])
    assert works(person, person.token)


@pytest.mark.parametrize(
    "expires_at",
    ["2026-03-02T08:59:59Z", "2026-03-02T09:00:00Z", "2020-01-01T00:00:00Z"],
    ids=["a-second-ago", "now", "years-ago"],
)
def test_an_expiry_in_the_past_is_refused(customer: Caller, expires_at: str) -> None:
    # The fake clock stands at 2026-03-02T09:00:00Z.
    answer = customer.post(tokens_of(customer, "customers"), {"expires_at": expires_at})
    problem(answer, 400, field="expires_at")


@pytest.mark.parametrize(
    "expires_at", ["2027-01-01T00:00:00", "tomorrow", "' OR 1=1 --", ""], ids=range(4)
)
def test_an_expiry_without_a_zone_or_not_a_time_is_refused(
    customer: Caller, expires_at: str
) -> None:
    answer = customer.post(tokens_of(customer, "customers"), {"expires_at": expires_at})
    problem(answer, 400, field="expires_at")


def test_an_unknown_field_in_a_token_request_is_refused(customer: Caller) -> None:
    answer = customer.post(tokens_of(customer, "customers"), {"role": "admin"})
    problem(answer, 400, field="role")


def test_a_customer_may_not_manage_another_customers_tokens(
    customer: Caller, other_customer: Caller
) -> None:
    theirs = issue(other_customer, other_customer, "customers")
    problem(customer.post(tokens_of(other_customer, "customers"), {}), 403)
    problem(revoke(customer, other_customer, "customers", theirs["token_id"]), 403)
    assert works(other_customer, theirs["token"])


def test_a_non_admin_may_not_manage_another_agents_tokens(agent: Caller, admin: Caller) -> None:
    colleague = register(admin, "/v1/agents", name="Jim Roe", email="jim@example.com")
    theirs = issue(colleague, colleague, "agents")
    for role in ("agent", "supervisor", "auditor", "analyst"):
        other = register(
            admin, "/v1/agents", name=f"A {role}", email=f"{role}@x.example.com", role=role
        )
        problem(other.post(tokens_of(colleague, "agents"), {}), 403)
        problem(revoke(other, colleague, "agents", theirs["token_id"]), 403)
    assert works(colleague, theirs["token"])


def test_staff_and_customers_may_not_manage_each_others_tokens(
    agent: Caller, customer: Caller
) -> None:
    problem(agent.post(tokens_of(customer, "customers"), {}), 403)
    problem(customer.post(tokens_of(agent, "agents"), {}), 403)


def test_revoking_someone_elses_token_through_ones_own_id_finds_nothing(
    customer: Caller, other_customer: Caller
) -> None:
    theirs = issue(other_customer, other_customer, "customers")
    problem(revoke(customer, customer, "customers", theirs["token_id"]), 404)
    assert works(other_customer, theirs["token"])


@pytest.fixture
def limited(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    """An API allowing each caller bursts of 3 requests, refilled so slowly (one per
    1,000 s) that no test sees a refill."""
    slow = replace(settings, rate_per_second=0.001, rate_burst=3, embedded_workers=True)
    migrate(slow)
    with TestClient(create_app(build_services(slow, clock=clock))) as client:
        yield client


def test_a_caller_over_their_burst_is_rate_limited_and_others_are_not(
    limited: TestClient[Any],
) -> None:
    admin = Caller(limited, ADMIN_TOKEN)
    first = register(admin, "/v1/customers", name="Ann", email="ann@example.com")
    second = register(admin, "/v1/customers", name="Bob", email="bob@example.com")
    for _ in range(3):
        ok(first.get(WHOAMI))
    refused = first.get(WHOAMI)
    body = problem(refused, 429)
    assert body["type"].endswith("rate-limited")
    assert int(refused.headers["retry-after"]) >= 1
    ok(second.get(WHOAMI))
    ok(admin.get(WHOAMI))
    ok(limited.get("/healthz"))


def test_failed_authentications_are_rate_limited_by_address_before_any_lookup(
    limited: TestClient[Any],
) -> None:
    admin = Caller(limited, ADMIN_TOKEN)
    people = [
        register(admin, "/v1/customers", name=name, email=f"{name.lower()}@example.com")
        for name in ("Ann", "Bob")
    ]
    # Authenticated requests from the address do not count against it.
    for person in people:
        for _ in range(3):
            ok(person.get(WHOAMI))
    unknown = {"Authorization": "Bearer not-a-token-of-ours"}
    for headers in (unknown, {}, unknown):
        problem(limited.get(WHOAMI, headers=headers), 401)
    refused = limited.get(WHOAMI, headers=unknown)
    assert problem(refused, 429)["type"].endswith("rate-limited")
    assert int(refused.headers["retry-after"]) >= 1
    # The address is slowed down whatever it sends next (the admin has a request left of
    # their own burst); the public routes stay open.
    problem(admin.get(WHOAMI), 429)
    ok(limited.get("/healthz"))
