"""Pausing the SLA clock while the desk waits for the customer, and what the clock says
(`state`, `next_alarm`) at each moment."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import pytest

from domain.business_time import business_minutes_between
from domain.sla import SLAState, next_alarm, state
from domain.ticket import Ticket
from domain.values import Status
from tests.builders import AGENT, CUSTOMER, new_events, origin
from tests.unit.sla_builders import (
    FIRST_RESPONSE,
    MONDAY,
    OFFICE,
    OFFICE_TERMS,
    RESOLUTION,
    berlin,
    clock,
    deadline,
    names,
    sla_ticket,
    verdicts,
    when,
    worker_check,
)

AWAITING, IN_PROGRESS = Status.AWAITING_CUSTOMER, Status.IN_PROGRESS


def monday(hour: int, minute: int = 0) -> datetime:
    return berlin(2026, 3, 2, hour, minute)


def tuesday(hour: int, minute: int = 0) -> datetime:
    return berlin(2026, 3, 3, hour, minute)


def office_ticket(at: datetime = MONDAY) -> Ticket:
    """First response due Mon 11:00 (warn 10:48), resolution Tue 10:00 (warn Mon 16:24)."""
    return sla_ticket(at, OFFICE_TERMS)


def pause(ticket: Ticket, at: datetime) -> list[Ticket.Event]:
    return when(ticket, "change_status", AWAITING, origin(AGENT, at))


def unpause(ticket: Ticket, at: datetime) -> list[Ticket.Event]:
    return when(ticket, "change_status", IN_PROGRESS, origin(AGENT, at))


def test_awaiting_the_customer_pauses_the_clock() -> None:
    ticket = office_ticket()
    assert names(pause(ticket, monday(10, 30))) == ["StatusChanged", "SLAPaused"]
    assert clock(ticket).paused_since == monday(10, 30)


def test_moving_between_statuses_that_do_not_pause_records_no_pause() -> None:
    assert names(unpause(office_ticket(), monday(10, 30))) == ["StatusChanged"]


def test_nothing_falls_due_while_paused_even_long_after_the_old_due_time() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    for moment in (monday(11, 0), tuesday(10, 0), berlin(2026, 3, 20, 12, 0)):
        assert worker_check(ticket, moment) == []


def test_resuming_moves_each_deadline_by_the_business_time_spent_paused() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    # Paused Mon 10:30-17:00 and Tue 09:00-09:30: 420 business minutes.
    events = unpause(ticket, tuesday(9, 30))
    assert names(events) == ["StatusChanged", "SLAResumed"]
    moved = {d.target: (d.warn_at, d.due) for d in events[1].deadlines}
    assert moved == {
        FIRST_RESPONSE: (tuesday(9, 48), tuesday(10, 0)),
        RESOLUTION: (tuesday(15, 24), tuesday(17, 0)),
    }
    assert clock(ticket).paused_since is None


@pytest.mark.parametrize(
    ("opened", "paused", "resumed"),
    [
        (MONDAY, monday(10, 30), monday(16, 0)),
        (MONDAY, monday(10, 30), berlin(2026, 3, 5, 12, 0)),  # over several nights
        (monday(16, 30), monday(18, 0), tuesday(8, 0)),  # entirely outside business hours
        (MONDAY, monday(10, 40), berlin(2026, 3, 9, 9, 1)),  # over a weekend
    ],
)
def test_deadlines_move_by_exactly_the_business_time_paused(
    opened: datetime, paused: datetime, resumed: datetime
) -> None:
    ticket = office_ticket(opened)
    before = {d.target: d for d in clock(ticket).deadlines}
    pause(ticket, paused)
    unpause(ticket, resumed)
    spent = business_minutes_between(OFFICE, paused, resumed)
    for after in clock(ticket).deadlines:
        old = before[after.target]
        assert business_minutes_between(OFFICE, old.due, after.due) == spent
        assert business_minutes_between(OFFICE, old.warn_at, after.warn_at) == spent


def test_after_resuming_the_worker_warns_and_breaches_at_the_moved_times() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    unpause(ticket, tuesday(9, 30))
    assert worker_check(ticket, tuesday(9, 47)) == []
    assert verdicts(worker_check(ticket, tuesday(9, 48))) == [("SLAWarning", FIRST_RESPONSE)]
    assert worker_check(ticket, tuesday(10, 0)) == []
    assert verdicts(worker_check(ticket, tuesday(10, 1))) == [("SLABreached", FIRST_RESPONSE)]


def test_a_customer_reply_to_an_awaiting_ticket_resumes_the_clock() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    events = when(ticket, "reply", uuid4(), "It is a LaserJet 4.", origin(CUSTOMER, monday(11)))
    assert names(events) == ["Replied", "StatusChanged", "SLAResumed"]
    assert deadline(ticket, FIRST_RESPONSE).due == monday(11, 30)


def test_a_staff_reply_while_paused_counts_only_the_time_before_the_pause() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    events = when(ticket, "reply", uuid4(), "Which model?", origin(AGENT, monday(14)))
    assert verdicts(events) == [("SLAMet", FIRST_RESPONSE)]


def test_a_breach_that_fell_due_before_the_pause_keeps_its_due_time() -> None:
    ticket = office_ticket()
    # The first response fell due at 11:00; the worker had not yet run when the pause began.
    pause(ticket, monday(11, 30))
    unpause(ticket, monday(14, 0))
    breaches = worker_check(ticket, monday(14, 0))
    assert [(e.target, e.due) for e in breaches] == [(FIRST_RESPONSE, monday(11, 0))]


def test_resolving_while_paused_after_a_missed_first_response_is_no_first_response_met() -> None:
    ticket = office_ticket()
    pause(ticket, monday(11, 30))  # the first response was due at 11:00
    events = when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, monday(14, 0)))
    assert ("SLAMet", FIRST_RESPONSE) not in verdicts(events)
    assert ("SLABreached", FIRST_RESPONSE) in verdicts(events)


def test_a_staff_reply_while_paused_after_a_missed_first_response_records_the_breach() -> None:
    ticket = office_ticket()
    pause(ticket, monday(11, 30))  # the first response was due at 11:00
    events = when(ticket, "reply", uuid4(), "Which model?", origin(AGENT, monday(14)))
    assert names(events) == ["SLABreached", "Replied"]
    assert events[0].due == monday(11, 0)


def test_the_state_of_no_clock_is_none() -> None:
    assert state(sla_ticket(sla=None).sla) is SLAState.NONE
    assert next_alarm(None) is None


def test_the_state_follows_the_clock_from_on_track_to_breached() -> None:
    ticket = office_ticket()
    assert state(ticket.sla) is SLAState.ON_TRACK
    worker_check(ticket, monday(10, 48))
    assert state(ticket.sla) is SLAState.WARNING
    pause(ticket, monday(10, 50))
    assert state(ticket.sla) is SLAState.PAUSED
    unpause(ticket, monday(11, 50))
    assert state(ticket.sla) is SLAState.WARNING
    worker_check(ticket, monday(12, 1))
    assert state(ticket.sla) is SLAState.BREACHED


def test_the_state_is_met_once_every_target_is_met() -> None:
    ticket = office_ticket()
    worker_check(ticket, monday(10, 48))
    when(ticket, "reply", uuid4(), "On it.", origin(AGENT, monday(10, 55)))
    assert state(ticket.sla) is SLAState.ON_TRACK
    when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, monday(12, 0)))
    assert state(ticket.sla) is SLAState.MET


def test_the_state_stays_breached_after_a_late_resolution() -> None:
    ticket = office_ticket()
    when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, monday(11, 30)))
    assert state(ticket.sla) is SLAState.BREACHED


def test_closing_an_overdue_ticket_unresolved_does_not_make_its_clock_met() -> None:
    ticket = office_ticket()
    when(ticket, "close", origin(AGENT, berlin(2026, 3, 5, 10, 0)))  # all targets long overdue
    assert state(ticket.sla) is not SLAState.MET


def test_a_ticket_closed_while_awaiting_the_customer_is_no_longer_paused() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    when(ticket, "close", origin(AGENT, monday(10, 40)))
    assert state(ticket.sla) is not SLAState.PAUSED


def test_the_next_alarm_is_the_earliest_pending_warning_or_due_time() -> None:
    ticket = office_ticket()
    assert next_alarm(ticket.sla) == monday(10, 48)
    worker_check(ticket, monday(10, 48))
    assert next_alarm(ticket.sla) == monday(11, 0)
    when(ticket, "reply", uuid4(), "On it.", origin(AGENT, monday(10, 55)))
    assert next_alarm(ticket.sla) == monday(16, 24)
    worker_check(ticket, monday(16, 24))
    assert next_alarm(ticket.sla) == tuesday(10, 0)


def test_there_is_no_next_alarm_while_paused_or_once_resolved() -> None:
    ticket = office_ticket()
    pause(ticket, monday(10, 30))
    assert next_alarm(ticket.sla) is None
    unpause(ticket, monday(11, 30))
    assert next_alarm(ticket.sla) == monday(11, 48)
    when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, monday(12, 0)))
    assert next_alarm(ticket.sla) is None


def test_the_opening_events_leave_nothing_pending() -> None:
    assert new_events(office_ticket()) == []
