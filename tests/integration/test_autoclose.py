"""The auto-closer on each real store, with the clock moved by hand: resolved tickets
close after their department's quiet period, and customers may reopen them only
within the department's reopen window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient

from api.app import create_app
from domain.errors import InvalidTransition
from domain.ticket import Ticket
from domain.values import Actor, Role, Status
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import build_services
from workers.actors import AUTO_CLOSER

from ..conftest import FakeClock
from .worker_helpers import ADMIN, API_DEFAULTS, SUPERVISOR, Desk, opened, said


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    with opened(settings, clock) as services:
        yield Desk(services, clock)


def resolved_ticket(desk: Desk, department_id: UUID, customer: Actor | None = None) -> UUID:
    ticket_id = desk.open_ticket(customer or desk.customer(), department_id)
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))
    return ticket_id


def auto_close(desk: Desk) -> int:
    """One tick of the auto-closer on up-to-date read models."""
    desk.catch_up()
    closed = Runtime(desk.services).auto_closer().tick()
    desk.catch_up()
    return closed


def closed_events(desk: Desk, ticket_id: UUID) -> list[Ticket.Closed]:
    return [e for e in desk.events(ticket_id) if isinstance(e, Ticket.Closed)]


def status(desk: Desk, ticket_id: UUID) -> Status:
    return desk.ticket(ticket_id).status


def test_the_default_quiet_period_is_seven_days_and_reopening_fourteen():
    assert (API_DEFAULTS["auto_close_days"], API_DEFAULTS["reopen_days"]) == (7, 14)


def test_a_resolved_ticket_stays_resolved_until_the_quiet_period_is_over(desk: Desk):
    support = desk.department("IT Support")
    ticket_id = resolved_ticket(desk, support)

    desk.clock.advance(days=7, minutes=-1)

    assert auto_close(desk) == 0
    assert status(desk, ticket_id) is Status.RESOLVED
    assert closed_events(desk, ticket_id) == []


def test_a_resolved_ticket_is_closed_automatically_after_seven_days(desk: Desk):
    support = desk.department("IT Support")
    ticket_id = resolved_ticket(desk, support)

    desk.clock.advance(days=7, minutes=1)

    assert auto_close(desk) == 1
    assert status(desk, ticket_id) is Status.CLOSED
    (closed,) = closed_events(desk, ticket_id)
    assert closed.data()["reason"] == "auto"
    assert closed.actor_id == AUTO_CLOSER.id
    assert closed.actor_role is Role.SYSTEM
    assert closed.timestamp == desk.clock()


def test_closing_automatically_twice_records_one_close(desk: Desk):
    support = desk.department("IT Support")
    ticket_id = resolved_ticket(desk, support)
    desk.clock.advance(days=8)
    auto_close(desk)

    desk.clock.advance(days=1)

    assert auto_close(desk) == 0
    assert len(closed_events(desk, ticket_id)) == 1


def test_each_department_has_its_own_quiet_period(desk: Desk):
    quick = desk.department("Password resets", auto_close_days=2)
    patient = desk.department("IT Support")
    early, late = resolved_ticket(desk, quick), resolved_ticket(desk, patient)

    desk.clock.advance(days=3)

    assert auto_close(desk) == 1
    assert [status(desk, early), status(desk, late)] == [Status.CLOSED, Status.RESOLVED]


def test_tickets_still_being_worked_are_never_closed_automatically(desk: Desk):
    support = desk.department("IT Support")
    customer = desk.customer()
    waiting = desk.open_ticket(customer, support)
    reopened = resolved_ticket(desk, support, customer)
    desk.helpdesk.reopen(reopened, "Still locked out.", said(customer, desk.clock))

    desk.clock.advance(days=30)

    assert auto_close(desk) == 0
    assert [status(desk, waiting), status(desk, reopened)] == [Status.OPEN, Status.OPEN]


def test_a_customer_reopens_an_auto_closed_ticket_within_fourteen_days(desk: Desk):
    support = desk.department("IT Support")
    customer = desk.customer()
    ticket_id = resolved_ticket(desk, support, customer)
    desk.clock.advance(days=7, minutes=1)
    auto_close(desk)

    desk.clock.advance(days=14, minutes=-1)
    desk.helpdesk.reopen(ticket_id, "It broke again.", said(customer, desk.clock))

    assert status(desk, ticket_id) is Status.OPEN


def test_a_customer_cannot_reopen_an_auto_closed_ticket_after_fourteen_days(desk: Desk):
    support = desk.department("IT Support")
    customer = desk.customer()
    ticket_id = resolved_ticket(desk, support, customer)
    desk.clock.advance(days=7, minutes=1)
    auto_close(desk)

    desk.clock.advance(days=14, minutes=1)

    with pytest.raises(InvalidTransition):
        desk.helpdesk.reopen(ticket_id, "It broke again.", said(customer, desk.clock))
    assert status(desk, ticket_id) is Status.CLOSED


def test_the_reopen_window_is_the_departments(desk: Desk):
    support = desk.department("IT Support", reopen_days=3)
    customer = desk.customer()
    ticket_id = resolved_ticket(desk, support, customer)
    desk.clock.advance(days=8)
    auto_close(desk)

    desk.clock.advance(days=4)

    with pytest.raises(InvalidTransition):
        desk.helpdesk.reopen(ticket_id, "It broke again.", said(customer, desk.clock))


def test_a_late_reopen_over_http_is_a_409_invalid_transition(settings: Settings, clock: FakeClock):
    with opened(settings, clock) as services:
        desk = Desk(services, clock)
        support = desk.department("IT Support")
        registered = desk.helpdesk.register_person(
            name="Jane Roe",
            email="jane@example.com",
            role=Role.CUSTOMER,
            department_ids=[],
            intent=said(ADMIN, clock),
        )
        customer = Actor(registered.outcome.aggregate_id, Role.CUSTOMER)
        ticket_id = resolved_ticket(desk, support, customer)
        clock.advance(days=7, minutes=1)
        auto_close(desk)
    clock.advance(days=14, minutes=1)
    assert registered.token is not None

    answer = reopen_over_http(settings, clock, ticket_id, registered.token)

    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"].endswith("invalid-transition")


def reopen_over_http(settings: Settings, clock: FakeClock, ticket_id: UUID, token: str) -> Any:
    api_services = build_services(replace(settings, embedded_workers=False), clock=clock)
    with TestClient(create_app(api_services)) as client:
        return client.post(
            f"/v1/tickets/{ticket_id}/reopen",
            json={"reason": "It broke again."},
            headers={"Authorization": f"Bearer {token}"},
        )
