"""An API client per store, with people registered through the API itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from domain.values import Role
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock


@dataclass
class Caller:
    """A client speaking as one person."""

    client: TestClient[Any]
    token: str
    id: str = ""

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def get(self, path: str, **extra: str) -> Any:
        return self.client.get(path, headers=self.headers(**extra))

    def post(self, path: str, body: Any, **extra: str) -> Any:
        return self.client.post(path, json=body, headers=self.headers(**extra))


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    """The app as the embedded mode runs it, on both stores: the read models (listings
    of people and the organisation among them) and the workers run in its process."""
    settings = replace(settings, embedded_workers=True)
    migrate(settings)
    with TestClient(create_app(build_services(settings, clock=clock))) as test_client:
        yield test_client


@pytest.fixture
def admin(client: TestClient[Any]) -> Caller:
    return Caller(client, ADMIN_TOKEN)


def register(admin: Caller, route: str, **body: Any) -> Caller:
    answer = admin.post(route, body)
    assert answer.status_code == 201, answer.text
    return Caller(admin.client, answer.json()["token"], answer.json()["id"])


@pytest.fixture
def customer(admin: Caller) -> Caller:
    return register(admin, "/v1/customers", name="Jane Roe", email="jane@example.com")


@pytest.fixture
def other_customer(admin: Caller) -> Caller:
    return register(admin, "/v1/customers", name="Richard Roe", email="richard@example.com")


@pytest.fixture
def agent(admin: Caller) -> Caller:
    return register(admin, "/v1/agents", name="John Doe", email="john@example.com")


@pytest.fixture
def auditor(admin: Caller) -> Caller:
    return register(admin, "/v1/agents", name="Ada Audit", email="ada@example.com", role="auditor")


@pytest.fixture
def analyst(admin: Caller) -> Caller:
    return register(admin, "/v1/agents", name="Ann Alyst", email="ann@example.com", role="analyst")


@pytest.fixture
def ticket(customer: Caller) -> dict[str, Any]:
    answer = customer.post(
        "/v1/tickets", {"subject": "Online Banking Outage", "body": "I cannot log in."}
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture
def callers(admin: Caller) -> dict[Role, Caller]:
    """One person of every role (the admin among them), registered through the API."""
    people = {Role.ADMIN: admin}
    for role in Role:
        if role in (Role.ADMIN, Role.SYSTEM):
            continue
        route = "/v1/customers" if role is Role.CUSTOMER else "/v1/agents"
        body = {"name": role.value, "email": f"{role.value}@example.com"}
        if role is not Role.CUSTOMER:
            body["role"] = role.value
        people[role] = register(admin, route, **body)
    return people
