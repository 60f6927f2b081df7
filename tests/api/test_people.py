"""Registering staff and customers (admin), listing them page by page, reading one."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import NOBODYS_TICKET, RFC3339_MICROS, ok, problem

PERSON_FIELDS = {"id", "name", "email", "role", "department_ids", "created_at", "token"}


def register(admin: Caller, route: str, **body: Any) -> dict[str, Any]:
    return ok(admin.post(route, body), 201)


def names(page: dict[str, Any]) -> list[str]:
    return [p["name"] for p in page["items"]]


def test_an_admin_registers_an_agent_who_can_then_call(admin: Caller) -> None:
    answer = admin.post("/v1/agents", {"name": "John Doe", "email": "john@example.com"})
    agent = ok(answer, 201)
    assert agent.keys() >= PERSON_FIELDS
    assert agent["role"] == "agent"
    assert agent["department_ids"] == []
    assert RFC3339_MICROS.match(agent["created_at"])
    assert int(answer.headers["x-log-position"]) >= 1
    caller = Caller(admin.client, agent["token"], agent["id"])
    assert ok(caller.post("/v1/tickets", {"subject": "Hi", "body": "Test."}), 201)


@pytest.mark.parametrize("role", ["agent", "supervisor", "auditor", "analyst", "admin"])
def test_an_admin_registers_staff_of_every_role(admin: Caller, role: str) -> None:
    person = register(admin, "/v1/agents", name="Sam", email="sam@example.com", role=role)
    assert person["role"] == role
    assert ok(admin.get(f"/v1/agents/{person['id']}"))["role"] == role


def test_an_admin_registers_a_customer(admin: Caller) -> None:
    customer = register(admin, "/v1/customers", name="Jane Roe", email="jane@example.com")
    assert customer["role"] == "customer"
    assert customer["token"]


def test_a_token_is_shown_only_once(admin: Caller, customer: Caller) -> None:
    person = ok(admin.get(f"/v1/customers/{customer.id}"))
    assert person["token"] is None
    assert person["email"] == "jane@example.com"
    listed = ok(admin.get("/v1/customers"))["items"]
    assert [p["token"] for p in listed] == [None]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Sam", "email": "sam@example.com", "role": "customer"}, "role"),
        ({"name": "Sam", "email": "sam@example.com", "role": "root"}, "role"),
        ({"name": "", "email": "sam@example.com"}, "name"),
        ({"name": "Sam", "email": "not-an-address"}, "email"),
        ({"name": "Sam", "email": "sam@example.com", "department_ids": ["x"]}, "department_ids[0]"),
        ({"name": "Sam", "email": "sam@example.com", "age": 40}, "age"),
    ],
)
def test_an_agent_with_a_bad_field_is_refused_naming_it(
    admin: Caller, body: dict[str, Any], field: str
) -> None:
    problem(admin.post("/v1/agents", body), 400, field=field)
    assert ok(admin.get("/v1/agents"))["items"] == []


def test_a_customer_with_a_role_field_is_refused(admin: Caller) -> None:
    body = {"name": "Sam", "email": "sam@example.com", "role": "admin"}
    problem(admin.post("/v1/customers", body), 400, field="role")


def test_agents_are_listed_page_by_page_in_registration_order(
    admin: Caller, customer: Caller
) -> None:
    for name in ("Ann", "Bob", "Cy"):
        register(admin, "/v1/agents", name=name, email=f"{name.lower()}@example.com")
    first = ok(admin.get("/v1/agents?limit=2"))
    assert names(first) == ["Ann", "Bob"]
    assert first["next_cursor"]
    second = ok(admin.get(f"/v1/agents?limit=2&cursor={first['next_cursor']}"))
    assert names(second) == ["Cy"]
    assert second["next_cursor"] is None


def test_customers_are_listed_page_by_page_without_staff(admin: Caller, agent: Caller) -> None:
    for name in ("Dee", "Eve", "Fay", "Gus"):
        register(admin, "/v1/customers", name=name, email=f"{name.lower()}@example.com")
    seen, cursor = [], None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = ok(admin.get(f"/v1/customers{query}"))
        seen += names(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Dee", "Eve", "Fay", "Gus"]


def test_the_default_listing_holds_everyone_and_no_cursor(admin: Caller, agent: Caller) -> None:
    page = ok(admin.get("/v1/agents"))
    assert names(page) == ["John Doe"]
    assert page["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=many", "cursor=bogus"])
def test_a_bad_listing_query_is_refused(admin: Caller, query: str) -> None:
    problem(admin.get(f"/v1/agents?{query}"), 400)


def test_the_largest_page_is_allowed(admin: Caller, agent: Caller) -> None:
    assert names(ok(admin.get("/v1/agents?limit=200"))) == ["John Doe"]


def test_one_person_is_read_from_their_own_collection_only(
    admin: Caller, agent: Caller, customer: Caller
) -> None:
    assert ok(admin.get(f"/v1/agents/{agent.id}"))["name"] == "John Doe"
    assert ok(admin.get(f"/v1/customers/{customer.id}"))["name"] == "Jane Roe"
    problem(admin.get(f"/v1/agents/{customer.id}"), 404)
    problem(admin.get(f"/v1/customers/{agent.id}"), 404)


def test_an_unknown_person_is_not_found(admin: Caller) -> None:
    problem(admin.get(f"/v1/agents/{NOBODYS_TICKET}"), 404)
    problem(admin.get(f"/v1/customers/{NOBODYS_TICKET}"), 404)
