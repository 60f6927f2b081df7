"""Tampering with stored events by direct SQL is revealed by the ticket's hash chain:
through `GET /v1/tickets/{id}/verify` (on the server that recorded the events and on a
freshly started one, which has nothing cached) and through `ticketing audit verify`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import build_services

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import history_of, ok, path
from .store_surgery import Store

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = [
    ("agent", "replies", "Which browser?"),
    ("customer", "replies", "Firefox."),
    ("agent", "replies", "Try a private window."),
]
"""After the customer's Created (version 1): Replied at versions 2, 3 and 4."""


@pytest.fixture
def worked(
    ticket: dict[str, Any],
    agent: Caller,
    customer: Caller,
    auditor: Caller,
    clock: FakeClock,
    settings: Settings,
) -> str:
    """The ticket with a short conversation: four events, the newest one a reply, all
    seen by the audit log (which witnesses the newest event's digest)."""
    callers = {"agent": agent, "customer": customer}
    for who, route, body in CONVERSATION:
        clock.advance(seconds=30)
        ok(callers[who].post(path(ticket["id"], route), {"body": body}))
    types = [item["type"] for item in history_of(auditor, ticket["id"])]
    assert types == ["Created", "Replied", "Replied", "Replied"]
    services = build_services(replace(settings, embedded_workers=False), clock=clock)
    runner = Runtime(services).projection_runner()
    runner.start()
    while runner.step():
        pass
    services.close()
    return str(ticket["id"])


@pytest.fixture
def store(settings: Settings, worked: str) -> Store:
    return Store(settings, worked)


@pytest.fixture
def fresh_auditor(settings: Settings, clock: FakeClock, auditor: Caller) -> Iterator[Caller]:
    """The auditor on a second server over the same store, started after the events were
    recorded: like another API process, or the same one after a restart."""
    services = build_services(replace(settings, embedded_workers=False), clock=clock)
    with TestClient(create_app(services)) as client:
        yield Caller(client, auditor.token, auditor.id)


def audit_verify(settings: Settings, *ticket_ids: str) -> subprocess.CompletedProcess[str]:
    """`python -m ticketing.cli audit verify [TICKET_ID]` on the test's store."""
    return subprocess.run(
        [sys.executable, "-m", "ticketing.cli", "audit", "verify", *ticket_ids],
        env={**os.environ, "TICKETING_DATABASE_URL": settings.database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def edit_a_middle_reply(store: Store) -> int:
    store.edit_sealed(2, "body")
    return 2  # its sealed text no longer opens under its key


def edit_who_wrote_a_middle_reply(store: Store) -> int:
    store.replace_text(2, '"actor_role":"agent"', '"actor_role":"supervisor"')
    return 3  # the edited event still follows its predecessor; its successor no longer does


def delete_a_middle_event(store: Store) -> int:
    store.delete(3)
    return 3


def swap_two_events(store: Store) -> int:
    store.swap(2, 3)
    return 2


def garble_a_stored_state(store: Store) -> int:
    store.write_state(3, b"\xff\xfe{this is no longer an event")
    return 3


def edit_the_newest_event(store: Store) -> int:
    store.edit_sealed(4, "body")
    return 4


Tampering = Callable[[Store], int]
TAMPERINGS = [
    pytest.param(edit_a_middle_reply, id="edited-middle-reply"),
    pytest.param(edit_who_wrote_a_middle_reply, id="edited-middle-author"),
    pytest.param(delete_a_middle_event, id="deleted-middle-event"),
    pytest.param(swap_two_events, id="swapped-events"),
    pytest.param(garble_a_stored_state, id="undecodable-state"),
    pytest.param(edit_the_newest_event, id="edited-newest-event"),
]


def assert_reported(answer: Any, first_bad_version: int) -> None:
    report = ok(answer)
    assert report["ok"] is False, report
    assert report["first_bad_version"] == first_bad_version, report
    assert report["events"] == first_bad_version - 1, report
    assert report["detail"], report


def test_an_untouched_ticket_verifies_ok_on_every_server(
    worked: str, auditor: Caller, fresh_auditor: Caller
) -> None:
    here = ok(auditor.get(path(worked, "verify")))
    there = ok(fresh_auditor.get(path(worked, "verify")))
    assert here == there
    assert here["ok"] is True
    assert here["events"] == 4
    assert here["first_bad_version"] is None


def test_the_cli_finds_an_untouched_ticket_intact(settings: Settings, worked: str) -> None:
    run = audit_verify(settings, worked)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 of 1 tickets intact" in run.stdout
    assert "TAMPERED" not in run.stdout


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_tampering_is_reported_by_the_server_that_recorded_the_events(
    tamper: Tampering, store: Store, worked: str, auditor: Caller
) -> None:
    first_bad_version = tamper(store)
    assert_reported(auditor.get(path(worked, "verify")), first_bad_version)


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_tampering_is_reported_by_a_freshly_started_server(
    tamper: Tampering, store: Store, worked: str, request: pytest.FixtureRequest
) -> None:
    first_bad_version = tamper(store)
    fresh_auditor: Caller = request.getfixturevalue("fresh_auditor")
    assert_reported(fresh_auditor.get(path(worked, "verify")), first_bad_version)


@pytest.mark.parametrize("tamper", TAMPERINGS)
def test_tampering_makes_the_cli_name_the_ticket_and_exit_non_zero(
    tamper: Tampering, store: Store, settings: Settings, worked: str
) -> None:
    first_bad_version = tamper(store)
    run = audit_verify(settings, worked)
    assert run.returncode != 0, run.stdout + run.stderr
    assert f"TAMPERED {worked}: version {first_bad_version}" in run.stdout, run.stdout
    assert "Traceback" not in run.stderr, run.stderr


def test_tampering_with_one_ticket_leaves_the_others_verifying_ok(
    store: Store, worked: str, customer: Caller, auditor: Caller
) -> None:
    other = ok(customer.post("/v1/tickets", {"subject": "Printer", "body": "It jams."}), 201)
    delete_a_middle_event(store)
    assert ok(auditor.get(path(worked, "verify")))["ok"] is False
    assert ok(auditor.get(path(other["id"], "verify")))["ok"] is True


def test_the_cli_without_an_id_checks_every_ticket_and_names_only_the_tampered_one(
    store: Store, settings: Settings, worked: str, customer: Caller
) -> None:
    other = ok(customer.post("/v1/tickets", {"subject": "Printer", "body": "It jams."}), 201)
    swap_two_events(store)
    run = audit_verify(settings)
    assert run.returncode != 0, run.stdout + run.stderr
    assert f"TAMPERED {worked}" in run.stdout
    assert other["id"] not in run.stdout
    assert "1 of 2 tickets intact" in run.stdout


def test_the_cli_without_an_id_exits_zero_when_every_ticket_is_intact(
    settings: Settings, worked: str, customer: Caller
) -> None:
    ok(customer.post("/v1/tickets", {"subject": "Printer", "body": "It jams."}), 201)
    run = audit_verify(settings)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 of 2 tickets intact" in run.stdout
    assert "TAMPERED" not in run.stdout


def test_the_cli_refuses_a_malformed_ticket_id(settings: Settings, worked: str) -> None:
    run = audit_verify(settings, "'; DROP TABLE helpdesk_events; --")
    assert run.returncode == 2
    assert "is not a ticket id" in run.stderr
    assert audit_verify(settings, worked).returncode == 0
