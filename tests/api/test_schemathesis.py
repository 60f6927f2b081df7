"""Schemathesis sends requests generated from the app's own OpenAPI document
(`/schema/openapi.json`) to the app in process, as the admin and as an agent: no answer is
a 5xx, and every 4xx answer is a problem document. SQLite only; unlimited rate."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock
from .helpers import PROBLEM_KEYS

EXAMPLES = 20
"""Examples per operation and caller, derandomized: the same requests on every run."""


@dataclass
class Fuzzing:
    schema: Any
    tokens: dict[str, str]
    ids: dict[str, str]
    """Ids that exist: half the cases aim at them rather than at random ids."""
    sent: dict[str, int] = field(default_factory=lambda: {"admin": 0, "agent": 0})
    statuses: Counter[int] = field(default_factory=Counter)

    def known(self, operation: Any) -> dict[str, str]:
        names = {p.name for p in operation.path_parameters}
        people = "agent_id" if operation.path.startswith("/v1/agents") else "customer_id"
        ids = {"ticket_id": self.ids["ticket_id"], "person_id": self.ids[people]}
        return {name: value for name, value in ids.items() if name in names}


@pytest.fixture
def fuzzing(tmp_path: Path) -> Iterator[Fuzzing]:
    """The app on a fresh SQLite store, with its workers running, an agent and a customer's
    ticket. One per test: Schemathesis's pytest plugin ends every ASGI lifespan after each test."""
    store = Settings(
        f"sqlite:///{tmp_path}/ticketing.sqlite3", admin_token=ADMIN_TOKEN, rate_per_second=0
    )
    migrate(store)
    app = create_app(build_services(store, clock=FakeClock()))
    try:
        with asgi.get_client(app) as client:  # starts the app's lifespan: its workers
            agent = seed(client, "/v1/agents", ADMIN_TOKEN, name="Fuzzy", email="f@example.com")
            customer = seed(client, "/v1/customers", ADMIN_TOKEN, name="Cy", email="c@example.com")
            ticket = seed(client, "/v1/tickets", customer["token"], subject="Hi", body="Help.")
        fuzz = Fuzzing(
            schemathesis.openapi.from_asgi("/schema/openapi.json", app),
            {"admin": ADMIN_TOKEN, "agent": agent["token"]},
            {"agent_id": agent["id"], "customer_id": customer["id"], "ticket_id": ticket["id"]},
        )
        yield fuzz
        print(f"\nschemathesis sent {fuzz.sent} requests; statuses {sorted(fuzz.statuses.items())}")
    finally:
        asgi.shutdown_lifespans()


def seed(client: Any, route: str, token: str, **body: str) -> dict[str, Any]:
    answer = client.post(route, json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def without_waiting(case: Any) -> None:
    """`min_position` beyond the log's head waits 5 s for a projection, then answers the
    contract's 503; a non-negative one is pinned to 0 so that the run stays fast."""
    query = case.query or {}
    try:
        wait = int(query["min_position"])
    except (KeyError, TypeError, ValueError):
        return
    if wait >= 0:
        query["min_position"] = 0


def assert_well_behaved(case: Any, response: Any) -> None:
    request = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
    status = response.status_code
    assert status < 500, f"{request} -> {status} {response.content[:500]!r}"
    if status < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/problem+json"), f"{request} -> {content_type}"
    problem = json.loads(response.content)
    assert problem.keys() >= PROBLEM_KEYS, f"{request} -> {problem}"
    assert problem["status"] == status, f"{request} -> {problem}"
    assert all(isinstance(problem[k], str) and problem[k] for k in ("type", "title", "detail"))


def fuzz(fuzzing: Fuzzing, role: str) -> list[str]:
    """Every operation with EXAMPLES cases, valid and invalid ones, at random and at known
    ids, mixed; the failures."""
    headers = {"Authorization": f"Bearer {fuzzing.tokens[role]}"}
    failures = []
    for result in fuzzing.schema.get_all_operations():
        operation = result.ok()
        known = fuzzing.known(operation)
        cases = st.one_of(
            *[operation.as_strategy(mode) for mode in GenerationMode],
            *[
                operation.as_strategy(mode, path_parameters=known)
                for mode in GenerationMode
                if known
            ],
        )

        @FUZZ_SETTINGS
        @given(case=cases)
        def examples(case: Any) -> None:
            without_waiting(case)
            response = case.call(headers=headers)
            fuzzing.sent[role] += 1
            fuzzing.statuses[response.status_code] += 1
            assert_well_behaved(case, response)

        try:
            examples()
        except AssertionError as failure:
            failures.append(f"{operation.label}: {failure}")
    return failures


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_no_generated_request_gets_a_server_error_or_a_bare_client_error(
    fuzzing: Fuzzing, role: str
) -> None:
    failures = fuzz(fuzzing, role)
    assert fuzzing.sent[role] > 0
    assert failures == [], "\n".join(failures)
