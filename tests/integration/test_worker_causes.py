"""What the time-driven workers record points at what it is about, on each real store:
an SLA warning or breach is caused by the event that started the target's clock and
carries that event's correlation; an automatic close is caused by the resolution. And
the next-response target runs through the real worker: the customer's message starts
it, the worker breaches it once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.organisation import PlanTerms
from domain.pipeline import Intent
from domain.ticket import Ticket
from domain.values import Actor, Origin, Status
from wiring.config import Settings
from wiring.runtime import Runtime

from ..conftest import FakeClock
from .worker_helpers import ADMIN, SUPERVISOR, Desk, opened, said

KEEP_IN_LOOP = PlanTerms(60, 480, 30, 80, (Status.AWAITING_CUSTOMER,), None)
"""24x7: first response in an hour, resolution in eight, next response in half an hour."""


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    with opened(settings, clock) as services:
        yield Desk(services, clock)


def under_plan(desk: Desk) -> tuple[UUID, Actor]:
    plan = desk.helpdesk.define_plan("Keep in loop", KEEP_IN_LOOP, said(ADMIN, desk.clock))
    support = desk.department("IT Support", plan_id=plan.aggregate_id)
    customer = desk.customer()
    return desk.open_ticket(customer, support), customer


def tick(desk: Desk) -> int:
    desk.catch_up()
    checked = Runtime(desk.services).sla_worker().tick()
    desk.catch_up()
    return checked


def of(desk: Desk, ticket_id: UUID, kind: type[Any]) -> list[Any]:
    return [e for e in desk.events(ticket_id) if isinstance(e, kind)]


def correlated(actor: Actor, desk: Desk) -> Intent:
    return Intent(Origin(actor, desk.clock.advance(seconds=1), uuid4(), uuid4()))


def test_a_first_response_breach_is_caused_by_the_clocks_start(desk: Desk) -> None:
    ticket_id, _ = under_plan(desk)
    desk.clock.advance(minutes=49)
    assert tick(desk) == 1
    desk.clock.advance(minutes=12)
    assert tick(desk) == 1
    (started,) = of(desk, ticket_id, Ticket.SLAStarted)
    (warning,) = of(desk, ticket_id, Ticket.SLAWarning)
    (breach,) = of(desk, ticket_id, Ticket.SLABreached)
    for verdict in (warning, breach):
        assert (verdict.causation_id, verdict.correlation_id) == (
            started.event_id,
            started.correlation_id,
        )


def test_the_worker_breaches_a_next_response_once_caused_by_the_customers_message(
    desk: Desk,
) -> None:
    ticket_id, customer = under_plan(desk)
    desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, desk.clock))
    message = correlated(customer, desk)
    desk.helpdesk.reply(ticket_id, "Firefox.", message)
    (started,) = of(desk, ticket_id, Ticket.SLATargetStarted)
    assert started.deadline.due == message.origin.at + timedelta(minutes=30)

    desk.clock.advance(minutes=31)
    assert tick(desk) == 1
    assert tick(desk) == 0
    breaches = [b for b in of(desk, ticket_id, Ticket.SLABreached) if b.target == "next_response"]
    (breach,) = breaches
    assert (breach.causation_id, breach.correlation_id) == (
        started.event_id,
        message.origin.correlation_id,
    )
    view = desk.ticket(ticket_id).sla
    assert view is not None
    assert [(b.target.value, b.cycle) for b in view.breaches] == [("next_response", 1)]


def test_an_automatic_close_is_caused_by_the_resolution(desk: Desk) -> None:
    support = desk.department("IT Support")
    ticket_id = desk.open_ticket(desk.customer(), support)
    resolution = correlated(SUPERVISOR, desk)
    desk.helpdesk.resolve(ticket_id, "Reset the password.", resolution)
    desk.clock.advance(days=8)
    desk.catch_up()
    assert Runtime(desk.services).auto_closer().tick() == 1
    (resolved,) = of(desk, ticket_id, Ticket.Resolved)
    (closed,) = of(desk, ticket_id, Ticket.Closed)
    assert (closed.causation_id, closed.correlation_id) == (
        resolved.event_id,
        resolution.origin.correlation_id,
    )
