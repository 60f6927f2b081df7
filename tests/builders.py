"""Memorable test data: a fixed clock, fixed people, and tickets in any status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.organisation import PlanTerms
from domain.sla import SLATerms
from domain.ticket import Ticket
from domain.values import Actor, Attachment, Mail, Origin, Priority, Role, Status

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""Monday morning, far from any real clock, so a clock read would show."""

_PEOPLE = UUID("5e0b4f53-8d4e-4b53-9d34-0c7a4a1f9e21")


def person(role: Role) -> Actor:
    """The one person of each role: the same id in every test."""
    return Actor(uuid5(_PEOPLE, role.value), role)


CUSTOMER = person(Role.CUSTOMER)
AGENT = person(Role.AGENT)
SUPERVISOR = person(Role.SUPERVISOR)
ADMIN = person(Role.ADMIN)

TICKET_ID = UUID("7e7e7e7e-0000-4000-8000-000000000001")
SALES = UUID("5a1e5000-0000-4000-8000-000000000001")
"""A department to transfer tickets to."""
CORRELATION = UUID("c0c0c0c0-0000-4000-8000-000000000001")
CAUSATION = UUID("cafecafe-0000-4000-8000-000000000001")


def later(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def origin(
    actor: Actor,
    at: datetime = START,
    *,
    correlation_id: UUID = CORRELATION,
    causation_id: UUID = CAUSATION,
) -> Origin:
    return Origin(actor, at, correlation_id, causation_id)


def ticket_fields(**overrides: Any) -> dict[str, Any]:
    """Arguments for `Ticket.open`: a customer whose printer is on fire."""
    fields: dict[str, Any] = {
        "ticket_id": TICKET_ID,
        "number": "10000001",
        "subject": "The printer is on fire",
        "body": "Smoke is coming out of the paper tray.",
        "message_id": uuid4(),
        "priority": Priority.NORMAL,
        "customer_id": CUSTOMER.id,
        "department_id": None,
        "help_topic_id": None,
        "origin": origin(CUSTOMER),
    }
    fields.update(overrides)
    return fields


def new_events(ticket: Ticket) -> list[Ticket.Event]:
    """The ticket's pending events, collected (so a second call gives only newer ones)."""
    events = ticket.collect_events()
    assert all(isinstance(e, Ticket.Event) for e in events)
    return events  # type: ignore[return-value]


def opened_ticket(**overrides: Any) -> Ticket:
    """A newly opened ticket whose `Created` event has been collected already."""
    ticket = Ticket.open(**ticket_fields(**overrides))
    ticket.collect_events()
    return ticket


Step = Callable[[Ticket], None]

_ROUTES: dict[Status, list[Step]] = {
    Status.OPEN: [],
    Status.IN_PROGRESS: [lambda t: t.change_status(Status.IN_PROGRESS, origin(AGENT, later(1)))],
    Status.AWAITING_CUSTOMER: [
        lambda t: t.change_status(Status.AWAITING_CUSTOMER, origin(AGENT, later(1)))
    ],
    Status.RESOLVED: [lambda t: t.resolve("Replaced the fuser.", origin(AGENT, later(1)))],
    Status.CLOSED: [
        lambda t: t.resolve("Replaced the fuser.", origin(AGENT, later(1))),
        lambda t: t.close(origin(CUSTOMER, later(2))),
    ],
}
"""The shortest way to each status from a newly opened ticket."""


def history(status: Status) -> list[Ticket.Event]:
    """The events that take a newly opened ticket to `status`."""
    ticket = Ticket.open(**ticket_fields())
    for step in _ROUTES[status]:
        step(ticket)
    return new_events(ticket)


def replay(events: Iterable[Ticket.Event]) -> Ticket:
    """The ticket the events describe, rebuilt as the repository would."""
    ticket: Any = None
    for event in events:
        ticket = event.mutate(ticket)
    assert isinstance(ticket, Ticket)
    return ticket


def ticket_in(status: Status) -> Ticket:
    """Given the history of a ticket in `status`: the ticket, nothing pending."""
    return replay(history(status))


SYSTEM = person(Role.SYSTEM)
PLAN = UUID("9a9a9a9a-0000-4000-8000-000000000001")
STANDARD_TERMS = PlanTerms(
    first_response_minutes=60,
    resolution_minutes=480,
    next_response_minutes=None,
    warn_at_percent=80,
    pause_statuses=(Status.AWAITING_CUSTOMER,),
    calendar_id=None,
)
"""A plan's terms: an hour to answer, eight to resolve, paused while the customer is away."""
ROUND_THE_CLOCK = BusinessCalendar.define(
    "Europe/Berlin", {day: [["00:00", "24:00"]] for day in WEEKDAYS}, ["2026-12-25"]
)
TERMS = SLATerms(
    plan_id=PLAN,
    plan_version=1,
    first_response_minutes=30,
    resolution_minutes=120,
    warn_at_percent=50,
    pause_statuses=(Status.AWAITING_CUSTOMER,),
    calendar=ROUND_THE_CLOCK,
    next_response_minutes=60,
)
"""First response in 30 minutes, resolution in 2 hours, next response in an hour,
warnings at half time."""


def full_story() -> list[Ticket.Event]:
    """A ticket's whole life, recording every kind of ticket event at least once,
    its SLA timeline included."""
    ticket = Ticket.open(**ticket_fields(sla=TERMS))
    ticket.assign(AGENT.id, origin(SUPERVISOR, later(1)))
    ticket.transfer(SALES, origin(AGENT, later(2)))
    ticket.check_sla(origin(SYSTEM, later(16)))
    ticket.check_sla(origin(SYSTEM, later(31)))
    ticket.add_note(uuid4(), "Smells of toner.", origin(AGENT, later(32)))
    ticket.change_status(Status.AWAITING_CUSTOMER, origin(AGENT, later(33)))
    ticket.reply(uuid4(), "Which model is it?", origin(AGENT, later(34)))
    photo = Attachment(uuid4(), "cd" * 32, "printer.jpg", "image/jpeg", 4096)
    ticket.upload([photo], origin(CUSTOMER, later(39)))
    ticket.reply(uuid4(), "A LaserJet 4.", origin(CUSTOMER, later(40)), [photo.id])
    ticket.change_priority(Priority.URGENT, origin(AGENT, later(41)))
    ticket.resolve("Replaced the fuser.", origin(AGENT, later(42)))
    ticket.add_review(5, "Quick and kind.", origin(CUSTOMER, later(43)))
    ticket.close(origin(CUSTOMER, later(44)))
    ticket.reopen("It is smoking again.", origin(CUSTOMER, later(45)))
    ticket.add_collaborator(uuid4(), origin(CUSTOMER, later(46)))
    ticket.receive_mail(
        Mail("0" * 64, "<a@customer.example>", "a@customer.example", True),
        origin(SYSTEM, later(47)),
    )
    ticket.link(uuid4(), origin(SYSTEM, later(48)))
    ticket.erase(origin(ADMIN, later(49)))
    return new_events(ticket)
