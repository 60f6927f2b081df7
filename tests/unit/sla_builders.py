"""SLA test data: an office in Berlin, plan terms, the SLA worker, and tickets opened
under terms at a chosen instant."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.sla import Deadline, SLAClock, SLATerms, Target
from domain.ticket import Ticket
from domain.values import Actor, Role, Status
from tests.builders import CUSTOMER, new_events, origin, ticket_fields

BERLIN = ZoneInfo("Europe/Berlin")
berlin = partial(datetime, tzinfo=BERLIN)

OFFICE = BusinessCalendar.define(
    "Europe/Berlin", {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}, []
)
"""Monday to Friday, nine to five, Berlin time."""

PLAN = UUID("5a5a0000-0000-4000-8000-000000000001")
OTHER_PLAN = UUID("5a5a0000-0000-4000-8000-000000000002")
WORKER = Actor(UUID("5157e000-0000-4000-8000-000000000001"), Role.SYSTEM)
"""The SLA clock worker."""

FIRST_RESPONSE, RESOLUTION = Target.FIRST_RESPONSE, Target.RESOLUTION
NEXT_RESPONSE = Target.NEXT_RESPONSE
MONDAY = berlin(2026, 3, 2, 10, 0)
"""An office hour: Monday 2 March 2026, 10:00 in Berlin (CET, no clock change near)."""


def terms(
    calendar: BusinessCalendar | None = OFFICE,
    *,
    plan_id: UUID = PLAN,
    plan_version: int = 3,
    first_response: int = 60,
    resolution: int = 480,
    next_response: int | None = None,
    pause_statuses: tuple[Status, ...] = (Status.AWAITING_CUSTOMER,),
) -> SLATerms:
    """An hour to first response, eight business hours to resolution, warning at 80%
    (and no next-response target unless asked for)."""
    return SLATerms(
        plan_id=plan_id,
        plan_version=plan_version,
        first_response_minutes=first_response,
        resolution_minutes=resolution,
        warn_at_percent=80,
        pause_statuses=pause_statuses,
        calendar=calendar,
        next_response_minutes=next_response,
    )


OFFICE_TERMS = terms()
ROUND_THE_CLOCK = terms(None)
"""24x7: first response warns at +48 min and is due at +60; resolution at +384 and +480."""


def minutes_after(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


def sla_ticket(at: datetime = MONDAY, sla: SLATerms | None = ROUND_THE_CLOCK) -> Ticket:
    """A ticket a customer opened at `at` under `sla`, its opening events collected."""
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, at), sla=sla))
    ticket.collect_events()
    return ticket


def when(ticket: Ticket, command: str, *args: Any) -> list[Ticket.Event]:
    """Runs `ticket.command(*args)` and returns the events it recorded."""
    getattr(ticket, command)(*args)
    return new_events(ticket)


def worker_check(ticket: Ticket, at: datetime) -> list[Ticket.Event]:
    """The SLA worker's run at `at`: the events it recorded."""
    return when(ticket, "check_sla", origin(WORKER, at))


def names(events: list[Ticket.Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def verdicts(events: list[Ticket.Event]) -> list[tuple[str, Target]]:
    """(event name, target) for each warning, breach and met among `events`."""
    return [(type(e).__name__, e.target) for e in events if hasattr(e, "target")]


def clock(ticket: Ticket) -> SLAClock:
    assert ticket.sla is not None
    return ticket.sla


def deadline(ticket: Ticket, target: Target) -> Deadline:
    found = clock(ticket).deadline(target)
    assert found is not None
    return found
