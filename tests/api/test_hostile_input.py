"""Hostile input: markup and SQL are stored verbatim and served only as JSON, or refused
with 400; control characters, bad encodings, unknown fields and oversized bodies are
refused; nothing ever answers 500, and the store's tables survive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from wiring.config import Settings

from .conftest import Caller, register
from .helpers import history_of, ok, path, problem
from .hostile_payloads import (
    CONTROL,
    CONTROL_IDS,
    FORGED,
    HUGE,
    NAMED,
    NOT_UTF8,
    QUERIES,
    SQL,
    TEXT_FIELDS,
    UNKNOWN_FIELDS,
    XSS,
)
from .store_surgery import tables_exist

JSON_TYPE = "application/json"


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return register(admin, "/v1/agents", name="Sue Per", email="sue@example.com", role="supervisor")


def caller(request: pytest.FixtureRequest, role: str) -> Caller:
    found: Caller = request.getfixturevalue(role)
    return found


def served_as_json(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.headers["content-type"].split(";")[0] == JSON_TYPE, answer.headers
    return ok(answer, status)


def harmless(answer: Any, field: str) -> None:
    """Answered as any value would be (200), or refused as a 400 problem naming the field;
    never a 5xx."""
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        problem(answer, 400, field=field)
    else:
        assert answer.headers["content-type"].split(";")[0] == JSON_TYPE


@pytest.fixture
def store_survives(settings: Settings, customer: Caller) -> Iterator[None]:
    """After the test, the event table is there and the API still records and reads."""
    yield
    assert tables_exist(settings)
    opened = ok(customer.post("/v1/tickets", {"subject": "Still here?", "body": "Yes."}), 201)
    assert ok(customer.get(path(opened["id"])))["subject"] == "Still here?"


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize("payload", XSS + SQL)
def test_hostile_text_is_stored_verbatim_and_served_only_as_json(
    payload: str, customer: Caller, agent: Caller, auditor: Caller
) -> None:
    opened = served_as_json(
        customer.post("/v1/tickets", {"subject": payload, "body": payload}), 201
    )
    served_as_json(agent.post(path(opened["id"], "replies"), {"body": payload}))
    ticket = served_as_json(customer.get(path(opened["id"])))
    assert ticket["subject"] == payload
    assert [m["body"] for m in ticket["messages"]] == [payload, payload]
    history = history_of(auditor, opened["id"])
    assert history[0]["data"]["subject"] == payload
    assert [i["data"]["body"] for i in history] == [payload, payload]


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize("payload", XSS + SQL)
def test_hostile_names_are_stored_verbatim_and_served_only_as_json(
    payload: str, admin: Caller
) -> None:
    person = served_as_json(
        admin.post("/v1/customers", {"name": payload, "email": "x@ex.com"}), 201
    )
    assert served_as_json(admin.get(f"/v1/customers/{person['id']}"))["name"] == payload


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize(("role", "route", "name"), QUERIES)
def test_sql_in_a_query_parameter_is_refused_naming_it_or_harmless(
    request: pytest.FixtureRequest, role: str, route: str, name: str
) -> None:
    who = caller(request, role)
    for payload in SQL:
        answer = who.client.get(route + urlencode({name: payload}), headers=who.headers())
        harmless(answer, field=name)


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize("name", ["as_of", "version"])
def test_sql_in_a_point_in_time_query_is_refused_naming_it(
    customer: Caller, ticket: dict[str, Any], name: str
) -> None:
    for payload in SQL:
        answer = customer.client.get(
            path(ticket["id"]), params={name: payload}, headers=customer.headers()
        )
        problem(answer, 400, field=name)


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize(("role", "route", "cursor"), FORGED)
def test_a_forged_cursor_carrying_hostile_values_is_harmless(
    request: pytest.FixtureRequest, role: str, route: str, cursor: str
) -> None:
    who = caller(request, role)
    answer = who.client.get(route + urlencode({"cursor": cursor}), headers=who.headers())
    harmless(answer, "cursor")


@pytest.mark.usefixtures("store_survives")
@pytest.mark.parametrize(
    ("role", "route", "name"),
    [
        ("auditor", "/v1/events", "after"),
        ("auditor", "/v1/events", "limit"),
        ("auditor", "/v1/audit/events", "limit"),
        ("agent", "/v1/queues/mine", "limit"),
        ("customer", "/v1/help-topics", "limit"),
    ],
)
def test_a_number_too_large_for_the_database_is_harmless(
    request: pytest.FixtureRequest, role: str, route: str, name: str
) -> None:
    who = caller(request, role)
    harmless(who.client.get(route, params={name: str(HUGE)}, headers=who.headers()), name)


@pytest.mark.parametrize("token", [*SQL, XSS[0], "x" * 10_000, "\u00e9t\u00e9"], ids=range(5))
def test_a_hostile_bearer_token_is_unauthorised(customer: Caller, token: str) -> None:
    header = f"Bearer {token}".encode()
    problem(customer.client.get("/v1/help-topics", headers={"Authorization": header}), 401)


@pytest.mark.parametrize(("role", "route", "field"), TEXT_FIELDS)
def test_a_control_character_in_ticket_text_is_refused_naming_the_field(
    request: pytest.FixtureRequest, ticket: dict[str, Any], role: str, route: str, field: str
) -> None:
    target = "/v1/tickets" if route == "open" else path(ticket["id"], route)
    for char in CONTROL:
        body = {"subject": "Hi", "body": "Hello"} if route == "open" else {}
        body[field] = f"before{char}after"
        problem(caller(request, role).post(target, body), 400, field=field)
    assert ok(caller(request, role).get(path(ticket["id"])))["version"] == 1


@pytest.mark.parametrize(("route", "body"), NAMED, ids=[route for route, _ in NAMED])
def test_a_control_character_or_line_break_in_a_name_is_refused_naming_it(
    admin: Caller, route: str, body: dict[str, Any]
) -> None:
    for char in [*CONTROL, "\n", "\r\n", "\t"]:
        problem(admin.post(route, {**body, "name": f"Carl{char}Smith"}), 400, field="name")


@pytest.mark.parametrize("char", CONTROL, ids=CONTROL_IDS)
def test_a_control_character_in_an_email_address_is_refused_naming_it(
    admin: Caller, char: str
) -> None:
    # Stored verbatim and used as a mail recipient by the notifier, like the name beside it.
    body = {"name": "Carl", "email": f"ca{char}rl@example.com"}
    problem(admin.post("/v1/customers", body), 400, field="email")


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n"], ids=["lf", "cr", "crlf"])
def test_a_line_break_in_a_subject_is_refused(customer: Caller, brk: str) -> None:
    body = {"subject": f"Hello{brk}Bcc: everyone@example.com", "body": "Hi"}
    problem(customer.post("/v1/tickets", body), 400, field="subject")


@pytest.mark.parametrize("escape", ["\\u007f", "\\u0085", "\\ud800", "\\udfff"])
def test_other_non_text_characters_in_a_body_are_refused(customer: Caller, escape: str) -> None:
    raw = f'{{"subject": "Hi", "body": "a{escape}b"}}'.encode()
    headers = customer.headers(**{"Content-Type": "application/json"})
    problem(customer.client.post("/v1/tickets", content=raw, headers=headers), 400)


@pytest.mark.parametrize("raw", NOT_UTF8.values(), ids=NOT_UTF8.keys())
def test_a_body_that_is_not_utf8_is_refused(customer: Caller, raw: bytes) -> None:
    headers = customer.headers(**{"Content-Type": "application/json"})
    problem(customer.client.post("/v1/tickets", content=raw, headers=headers), 400)


def test_a_query_that_is_not_utf8_is_harmless(agent: Caller) -> None:
    harmless(agent.client.get("/v1/queues/mine?sort=%FF%FE", headers=agent.headers()), "sort")


@pytest.mark.usefixtures("client")
@pytest.mark.parametrize(("role", "route", "body", "field"), UNKNOWN_FIELDS)
def test_an_unknown_field_is_refused_naming_it(
    request: pytest.FixtureRequest, role: str, route: str, body: dict[str, Any], field: str
) -> None:
    problem(caller(request, role).post(route, body), 400, field=field)


def test_an_unknown_field_in_a_reply_is_refused_naming_it(
    customer: Caller, ticket: dict[str, Any]
) -> None:
    body = {"body": "Hi", "author_role": "agent"}
    problem(customer.post(path(ticket["id"], "replies"), body), 400, field="author_role")


def test_a_customer_cannot_open_a_ticket_for_someone_else(
    customer: Caller, other_customer: Caller
) -> None:
    body = {"subject": "Hi", "body": "x", "customer_id": other_customer.id}
    answer = customer.post("/v1/tickets", body)
    if answer.status_code == 201:
        assert answer.json()["customer_id"] == customer.id
    else:
        problem(answer, answer.status_code)


def test_a_missing_query_parameter_is_refused_naming_it(supervisor: Caller) -> None:
    problem(supervisor.get("/v1/reports/daily?from=2026-03-01"), 400, field="to")


@pytest.mark.usefixtures("client")
@pytest.mark.parametrize(
    ("role", "route"), [("customer", "/v1/tickets"), ("admin", "/v1/customers")]
)
def test_a_streamed_body_over_one_mebibyte_is_too_large(
    request: pytest.FixtureRequest, role: str, route: str
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(17):
            yield b"x" * 65_536
        yield b'", "email": "big@example.com"}'

    who = caller(request, role)
    headers = who.headers(**{"Content-Type": "application/json"})
    problem(who.client.post(route, content=chunks(), headers=headers), 413)


def test_a_registration_over_one_mebibyte_is_too_large(admin: Caller) -> None:
    body = {"name": "n" * (1024 * 1024), "email": "big@example.com"}
    problem(admin.post("/v1/customers", body), 413)
