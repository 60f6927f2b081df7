"""`POST /v1/customers/{id}/erase`: crypto-shredding. Afterwards no route, export, file or
table holds the customer's name, address, bodies or files, while the history's shape,
the reports and `verify` are as they were; a second erasure changes nothing."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from ticketing.export import export
from wiring.config import Settings, sqlite_path

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import log_head, ok, problem
from .projection_fixtures import app_client, position_of, staff
from .test_attachments import upload

NAME = "Zebulon Quixwort"
EMAIL = "zebulon.quixwort@example.com"
SUBJECT = "Marmalade ledger frozen"
BODY = "My porcupine account 88417 is frozen since Tuesday."
REPLY = "Zebulon, which branch opened the porcupine account?"
CUSTOMER_REPLY = "The Quixwort branch, I attach the marmalade statement."
NOTE = "Quixwort sounds like a repeat caller."
RESOLUTION = "Thawed the porcupine account."
REVIEW = "Splendid marmalade service."
FILENAME = "quixwort-statement.pdf"
FILE = b"%PDF-1.4 porcupine-marmalade-statement " * 50
SECRETS = [NAME, EMAIL, SUBJECT, BODY, REPLY, CUSTOMER_REPLY, NOTE, RESOLUTION, REVIEW, FILENAME]
WORDS = ["zebulon", "quixwort", "porcupine", "marmalade", "88417"]
"""Every personal text, and the words of them a search index would keep, lowercased."""
DAY = {"from": "2026-03-02", "to": "2026-03-03"}


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def zebulon(admin: Caller) -> Caller:
    return register(admin, "/v1/customers", name=NAME, email=EMAIL)


@pytest.fixture
def worked(zebulon: Caller, agent: Caller, clock: FakeClock) -> str:
    """Zebulon's ticket, worked to a review: every kind of personal text is on it."""
    ticket = ok(zebulon.post("/v1/tickets", {"subject": SUBJECT, "body": BODY}), 201)["id"]
    clock.advance(minutes=5)
    ok(agent.post(f"/v1/tickets/{ticket}/replies", {"body": REPLY}))
    ok(agent.post(f"/v1/tickets/{ticket}/notes", {"body": NOTE}))
    files = upload(zebulon, ticket, (FILENAME, FILE, "application/pdf"))
    attachment = ok(files, 201)["items"][0]["id"]
    body = {"body": CUSTOMER_REPLY, "attachment_ids": [attachment]}
    ok(zebulon.post(f"/v1/tickets/{ticket}/replies", body))
    clock.advance(minutes=30)
    ok(agent.post(f"/v1/tickets/{ticket}/resolve", {"resolution": RESOLUTION}))
    ok(zebulon.post(f"/v1/tickets/{ticket}/review", {"rating": 5, "comment": REVIEW}))
    return str(ticket)


def erase(admin: Caller, customer: Caller) -> Any:
    return ok(admin.post(f"/v1/customers/{customer.id}/erase", {}))


@pytest.fixture
def boss(admin: Caller) -> Caller:
    return staff(admin, "supervisor", "Sue Pervisor")


def seen_by_staff(people: dict[str, Caller], ticket: str, at: int) -> str:
    """Everything the routes that show people, tickets, mail and the log answer."""
    admin, auditor, agent, boss = (people[k] for k in ("admin", "auditor", "agent", "boss"))
    wait = f"min_position={at}"
    answers = [
        auditor.get(f"/v1/tickets/{ticket}"),
        auditor.get(f"/v1/tickets/{ticket}/history"),
        auditor.get(f"/v1/tickets/{ticket}?version=3"),
        boss.get(f"/v1/tickets?{wait}"),
        boss.get(f"/v1/tickets?q=porcupine&{wait}"),
        agent.get(f"/v1/queues/mine?{wait}"),
        admin.get(f"/v1/customers?{wait}"),
        auditor.get("/v1/events?after=0&limit=200"),
        auditor.get(f"/v1/audit/events?{wait}"),
        admin.get("/v1/mail/outbox"),
        admin.get("/v1/mail/quarantine"),
        boss.get(f"/v1/sla/timers?{wait}"),
        boss.get(f"/v1/reports/daily?from={DAY['from']}&to={DAY['to']}&{wait}"),
    ]
    for answer in answers:
        assert answer.status_code == 200, (answer.request.url, answer.text)
    return "\n".join(a.text for a in answers)


def stored_bytes(settings: Settings) -> bytes:
    """Every byte the store keeps: the SQLite files (log, read models, keys, their
    write-ahead logs) and the blobs beside them; on PostgreSQL every row of every table."""
    if settings.is_sqlite:
        folder = sqlite_path(settings.database_url).parent
        return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
    with psycopg.connect(settings.database_url) as conn:
        tables = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        rows = [conn.execute(f'SELECT t::text FROM "{s}"."{t}" t').fetchall() for s, t in tables]
    return json.dumps([r for table in rows for r in table]).encode()


def test_an_erased_customer_is_erased_everywhere_and_the_proof_holds(
    settings: Settings,
    admin: Caller,
    auditor: Caller,
    agent: Caller,
    boss: Caller,
    zebulon: Caller,
    worked: str,
) -> None:
    people = {"admin": admin, "auditor": auditor, "agent": agent, "boss": boss}
    before = auditor.get(f"/v1/tickets/{worked}/history").json()
    head = log_head(admin)
    text = seen_by_staff(people, worked, head)
    assert BODY in text  # the routes do show them before
    assert NAME in text
    report = boss.get(f"/v1/reports/daily?from={DAY['from']}&to={DAY['to']}&min_position={head}")

    answer = admin.post(f"/v1/customers/{zebulon.id}/erase", {})
    erased = ok(answer)
    assert erased == {"customer_id": zebulon.id, "erased": True, "tickets": 1, "scrubbed": True}
    at = position_of(answer)

    shown = seen_by_staff(people, worked, at)
    for fmt in ("csv", "jsonl"):  # the export opens the store afresh, as another process
        exported = io.StringIO()
        export(settings, 0, fmt, exported, quiet=True)
        shown += exported.getvalue()
    for secret in [*SECRETS, *WORDS]:
        assert secret.lower() not in shown.lower(), secret
    ticket = ok(auditor.get(f"/v1/tickets/{worked}"))
    assert ticket["subject"] == "[erased]"
    assert {m["body"] for m in ticket["messages"]} == {"[erased]"}

    # The history keeps its shape: the same events, one `Erased` more.
    after = ok(auditor.get(f"/v1/tickets/{worked}/history"))
    kinds = [(e["type"], e["actor_id"], e["occurred_at"]) for e in after["items"]]
    assert kinds[:-1] == [(e["type"], e["actor_id"], e["occurred_at"]) for e in before["items"]]
    assert kinds[-1][0] == "Erased"
    assert ok(auditor.get(f"/v1/tickets/{worked}/verify"))["ok"] is True
    assert boss.get(f"/v1/reports/daily?from={DAY['from']}&to={DAY['to']}").text == report.text

    # Their token opens nothing; their files are gone; nothing stored holds any of it.
    assert zebulon.get("/v1/tickets").status_code == 401
    attachment = ticket["messages"][-1]["attachments"][0]
    assert attachment["filename"] == "[erased]"
    problem(auditor.get(f"/v1/attachments/{attachment['id']}"), 404)
    stored = stored_bytes(settings).lower()
    for secret in [*SECRETS, *WORDS, FILE.decode()[:40]]:
        assert secret.lower().encode() not in stored, secret


def test_a_second_erasure_records_nothing(admin: Caller, zebulon: Caller, worked: str) -> None:
    first = admin.post(f"/v1/customers/{zebulon.id}/erase", {})
    head = log_head(admin)
    second = admin.post(f"/v1/customers/{zebulon.id}/erase", {})
    assert ok(second) == ok(first)
    assert position_of(second) == position_of(first) == head
    assert log_head(admin) == head


def test_only_admins_erase_and_only_customers(
    admin: Caller, agent: Caller, zebulon: Caller, worked: str
) -> None:
    problem(agent.post(f"/v1/customers/{zebulon.id}/erase", {}), 403)
    problem(admin.post(f"/v1/customers/{agent.id}/erase", {}), 404)
    problem(admin.post("/v1/customers/00000000-0000-4000-8000-000000000000/erase", {}), 404)
    assert ok(agent.get(f"/v1/tickets/{worked}"))["subject"] == SUBJECT


def test_an_erasure_racing_replies_loses_no_event(
    admin: Caller, agent: Caller, auditor: Caller, zebulon: Caller, worked: str
) -> None:
    """Each reply is recorded before the ticket's `Erased` (and reads `[erased]`) or is
    refused after it; nothing is lost, and the chain verifies."""
    answers: list[int] = []

    def reply(n: int) -> None:
        r = agent.post(f"/v1/tickets/{worked}/replies", {"body": f"Porcupine update {n}."})
        answers.append(r.status_code)

    threads = [threading.Thread(target=reply, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    erase(admin, zebulon)
    for thread in threads:
        thread.join()
    assert set(answers) <= {200, 409}
    history = ok(agent.get(f"/v1/tickets/{worked}/history"))["items"]
    replies = [e for e in history if e["type"] == "Replied"]
    assert len(replies) == 2 + answers.count(200)
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    assert ok(auditor.get(f"/v1/tickets/{worked}/verify"))["ok"] is True
    assert "porcupine update" not in json.dumps(history).lower()


def test_a_ticket_for_an_erased_customer_is_refused(
    admin: Caller, agent: Caller, zebulon: Caller, worked: str
) -> None:
    erase(admin, zebulon)
    answer = agent.post(
        "/v1/tickets", {"subject": "Again", "body": "Hello.", "customer_id": zebulon.id}
    )
    problem(answer, 400, "customer_id")


def test_an_erased_customers_address_is_free_for_a_new_customer(
    admin: Caller, zebulon: Caller, worked: str
) -> None:
    problem(admin.post("/v1/customers", {"name": "Again", "email": EMAIL}), 409)
    erase(admin, zebulon)
    newcomer = register(admin, "/v1/customers", name="Zeb Again", email=EMAIL)
    assert newcomer.id != zebulon.id
    assert ok(newcomer.get("/v1/tickets"))["items"] == []
