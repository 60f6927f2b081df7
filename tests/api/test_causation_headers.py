"""Every command answers the causation id of its events (`X-Causation-ID`) and the
correlation id it used (`X-Correlation-ID`: the caller's, from that header or
`X-Request-ID`, else a fresh one), and the events it recorded carry both; a retry with
the same `Idempotency-Key` answers the first call's. Every POST and DELETE route of the
route table, on both stores (the requests are the idempotency test's)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.values import Role

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import log_head, ok
from .idempotent_calls import CALLS, QUERIES, Call, Route, World

COMMANDS = [route for route in CALLS if route not in QUERIES]
"""The routes that record (a preview is a query: it has no events to point at)."""
IDS = [f"{m} {p}" for m, p in COMMANDS]
TICKET = {"subject": "VPN down", "body": "Since noon."}


def send(call: Call, **headers: str) -> Any:
    answer = call.send(None, **headers)
    assert answer.status_code in (200, 201), answer.text
    return answer


def recorded_after(auditor: Caller, position: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(auditor.get(f"/v1/events?after={position}&limit=200"))["items"]
    return items


def ids_of(answer: Any) -> tuple[str, str]:
    return answer.headers["x-causation-id"], answer.headers["x-correlation-id"]


def assert_carried(auditor: Caller, since: int, answer: Any) -> None:
    causation, correlation = ids_of(answer)
    events = recorded_after(auditor, since)
    assert events, "the command recorded nothing"
    assert {(e["causation_id"], e["correlation_id"]) for e in events} == {(causation, correlation)}


@pytest.mark.parametrize("given", [True, False], ids=["given", "fresh"])
@pytest.mark.parametrize("route", COMMANDS, ids=IDS)
def test_the_answer_names_the_ids_the_events_carry(
    callers: dict[Role, Caller], clock: FakeClock, route: Route, given: bool
) -> None:
    """The caller's correlation id is echoed; without one, the fresh one is named."""
    call = CALLS[route](World(callers, clock))
    since = log_head(call.caller)
    correlation = str(uuid4())

    answer = send(call, **({"X-Correlation-ID": correlation} if given else {}))

    causation, used = ids_of(answer)
    assert (used == correlation) is given
    assert UUID(causation) != UUID(used)
    assert_carried(callers[Role.AUDITOR], since, answer)


def test_a_request_id_is_taken_as_the_correlation_id(callers: dict[Role, Caller]) -> None:
    request_id = str(uuid4())
    answer = callers[Role.CUSTOMER].post("/v1/tickets", TICKET, **{"X-Request-ID": request_id})
    assert ok(answer, 201)
    assert answer.headers["x-correlation-id"] == request_id


def test_a_correlation_id_that_is_not_a_uuid_is_replaced_by_a_fresh_one(
    callers: dict[Role, Caller],
) -> None:
    answer = callers[Role.CUSTOMER].post("/v1/tickets", TICKET, **{"X-Correlation-ID": "x"})
    assert ok(answer, 201)
    assert UUID(answer.headers["x-correlation-id"])


def test_each_command_has_its_own_causation_id(callers: dict[Role, Caller]) -> None:
    customer = callers[Role.CUSTOMER]
    correlation = str(uuid4())
    first = customer.post("/v1/tickets", TICKET, **{"X-Correlation-ID": correlation})
    second = customer.post("/v1/tickets", TICKET, **{"X-Correlation-ID": correlation})
    assert ids_of(first)[1] == ids_of(second)[1] == correlation
    assert ids_of(first)[0] != ids_of(second)[0]


def test_a_replay_answers_the_first_calls_ids(
    callers: dict[Role, Caller], clock: FakeClock
) -> None:
    call = CALLS[("POST", "/v1/tickets")](World(callers, clock))
    first = send(call, **{"Idempotency-Key": "k-1", "X-Correlation-ID": str(uuid4())})
    retry = send(call, **{"Idempotency-Key": "k-1", "X-Correlation-ID": str(uuid4())})
    assert ids_of(retry) == ids_of(first)
