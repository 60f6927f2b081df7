"""The next-response target: given a ticket's events → when a command at an instant →
then the events it records. An agent owes an answer within N business minutes of each
customer message that waits for one (Zammad's "update", RT's "KeepInLoop")."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.sla import SLAState, SLATerms, alarm_cause, state
from domain.ticket import Ticket
from domain.values import Actor, Cause, Status
from tests.builders import AGENT, CUSTOMER, origin
from tests.unit.sla_builders import (
    FIRST_RESPONSE,
    MONDAY,
    NEXT_RESPONSE,
    RESOLUTION,
    berlin,
    clock,
    deadline,
    minutes_after,
    names,
    sla_ticket,
    terms,
    verdicts,
    when,
    worker_check,
)

KEEP_IN_LOOP = terms(None, next_response=30)
"""24x7: first response in 60, resolution in 480, next response in 30 (warned at 24)."""


def at(minutes: float) -> datetime:
    return minutes_after(MONDAY, minutes)


def reply(ticket: Ticket, by: Actor, moment: datetime) -> list[Ticket.Event]:
    return when(ticket, "reply", uuid4(), "Any news?", origin(by, moment))


def answered_ticket(sla: SLATerms = KEEP_IN_LOOP, opened: datetime = MONDAY) -> Ticket:
    """A ticket whose first response came ten minutes after it was opened."""
    ticket = sla_ticket(opened, sla)
    reply(ticket, AGENT, minutes_after(opened, 10))
    return ticket


def test_a_customer_message_after_an_answer_starts_the_next_response_clock() -> None:
    ticket = answered_ticket()
    events = reply(ticket, CUSTOMER, at(20))
    assert names(events) == ["Replied", "SLATargetStarted"]
    started = events[1].deadline
    assert (started.target, started.warn_at, started.due) == (NEXT_RESPONSE, at(44), at(50))
    assert state(clock(ticket)) is SLAState.ON_TRACK


def test_a_customer_message_before_the_first_response_starts_nothing_more() -> None:
    ticket = sla_ticket(MONDAY, KEEP_IN_LOOP)
    assert names(reply(ticket, CUSTOMER, at(5))) == ["Replied"]
    assert clock(ticket).deadline(NEXT_RESPONSE) is None


def test_a_second_unanswered_message_keeps_the_first_ones_due_time() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    assert names(reply(ticket, CUSTOMER, at(25))) == ["Replied"]
    assert deadline(ticket, NEXT_RESPONSE).due == at(50)


def test_a_plan_without_the_target_starts_no_next_response_clock() -> None:
    ticket = answered_ticket(terms(None))
    assert names(reply(ticket, CUSTOMER, at(20))) == ["Replied"]


def test_the_next_staff_reply_in_time_meets_the_next_response() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    events = reply(ticket, AGENT, at(50))  # at the due instant is in time
    assert names(events) == ["Replied", "SLAMet"]
    assert verdicts(events) == [("SLAMet", NEXT_RESPONSE)]
    assert deadline(ticket, NEXT_RESPONSE).met


def test_a_note_does_not_answer_the_customer() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    assert names(when(ticket, "add_note", uuid4(), "Asked IT.", origin(AGENT, at(30)))) == [
        "NoteAdded"
    ]
    assert deadline(ticket, NEXT_RESPONSE).pending


def test_a_late_staff_reply_records_the_breach_first_when_no_worker_did() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    events = reply(ticket, AGENT, at(51))
    assert names(events) == ["SLABreached", "Replied"]
    assert (events[0].target, events[0].due) == (NEXT_RESPONSE, at(50))


def test_the_worker_warns_and_breaches_the_next_response_once_each() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    assert worker_check(ticket, at(43)) == []
    assert verdicts(worker_check(ticket, at(44))) == [("SLAWarning", NEXT_RESPONSE)]
    assert worker_check(ticket, at(50)) == []
    assert verdicts(worker_check(ticket, at(51))) == [("SLABreached", NEXT_RESPONSE)]
    assert worker_check(ticket, at(52)) == []
    assert state(clock(ticket)) is SLAState.BREACHED
    (breach,) = clock(ticket).breaches
    assert (breach.target, breach.cycle, breach.due) == (NEXT_RESPONSE, 1, at(50))
    # The late answer settles it without a second verdict.
    assert names(reply(ticket, AGENT, at(60))) == ["Replied"]


def test_each_customer_message_after_an_answer_is_a_new_round() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    reply(ticket, AGENT, at(30))
    events = reply(ticket, CUSTOMER, at(100))
    assert names(events) == ["Replied", "SLATargetStarted"]
    assert deadline(ticket, NEXT_RESPONSE).due == at(130)
    assert not deadline(ticket, NEXT_RESPONSE).met


def test_a_customer_reply_to_an_awaiting_ticket_resumes_then_starts_the_clock() -> None:
    ticket = answered_ticket()
    when(ticket, "change_status", Status.AWAITING_CUSTOMER, origin(AGENT, at(15)))
    events = reply(ticket, CUSTOMER, at(200))
    assert names(events) == ["Replied", "StatusChanged", "SLAResumed", "SLATargetStarted"]
    assert deadline(ticket, NEXT_RESPONSE).due == at(230)
    # The resolution moved by the 185 minutes paused.
    assert deadline(ticket, RESOLUTION).due == at(480 + 185)


def test_a_message_on_a_paused_clock_keeps_all_its_minutes_for_the_resume() -> None:
    ticket = answered_ticket(terms(None, next_response=30, pause_statuses=(Status.IN_PROGRESS,)))
    when(ticket, "change_status", Status.IN_PROGRESS, origin(AGENT, at(15)))
    assert names(reply(ticket, CUSTOMER, at(20))) == ["Replied", "SLATargetStarted"]
    assert worker_check(ticket, at(500)) == []  # nothing falls due while paused
    when(ticket, "change_status", Status.OPEN, origin(AGENT, at(600)))
    assert deadline(ticket, NEXT_RESPONSE).due == at(630)


def test_a_staff_reply_while_paused_meets_the_next_response() -> None:
    ticket = answered_ticket(terms(None, next_response=30, pause_statuses=(Status.IN_PROGRESS,)))
    when(ticket, "change_status", Status.IN_PROGRESS, origin(AGENT, at(15)))
    reply(ticket, CUSTOMER, at(20))
    assert verdicts(reply(ticket, AGENT, at(900))) == [("SLAMet", NEXT_RESPONSE)]


def test_resolving_settles_the_waiting_next_response() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    events = when(ticket, "resolve", "Rebooted it.", origin(AGENT, at(40)))
    assert verdicts(events) == [("SLAMet", RESOLUTION), ("SLAMet", NEXT_RESPONSE)]
    assert state(clock(ticket)) is SLAState.MET


def test_a_customer_reply_to_a_resolved_ticket_starts_cycle_two_then_the_clock() -> None:
    ticket = answered_ticket()
    when(ticket, "resolve", "Rebooted it.", origin(AGENT, at(40)))
    events = reply(ticket, CUSTOMER, at(60))
    assert names(events) == ["Replied", "Reopened", "SLAStarted", "SLATargetStarted"]
    assert clock(ticket).cycle == 2
    assert [d.target for d in clock(ticket).deadlines] == [RESOLUTION, NEXT_RESPONSE]
    assert deadline(ticket, NEXT_RESPONSE).due == at(90)


def test_a_transfer_carries_the_waiting_next_response_into_the_new_plan() -> None:
    ticket = answered_ticket()
    reply(ticket, CUSTOMER, at(20))
    other = terms(None, plan_id=uuid4(), next_response=120)
    when(ticket, "transfer", uuid4(), origin(AGENT, at(30)), other)
    assert [d.target for d in clock(ticket).deadlines] == [RESOLUTION, NEXT_RESPONSE]
    assert deadline(ticket, NEXT_RESPONSE).due == at(150)


def test_an_alarm_is_caused_by_the_event_that_started_its_clock() -> None:
    ticket = answered_ticket()
    events = when(
        ticket, "reply", uuid4(), "Still down.", origin(CUSTOMER, at(20), correlation_id=uuid4())
    )
    started = events[-1]
    assert alarm_cause(clock(ticket), at(44)) == Cause(started.event_id, started.correlation_id)
    assert alarm_cause(clock(ticket), at(43)) is None


OFFICE_WITH_EASTER = BusinessCalendar.define(
    "Europe/Berlin",
    {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]},
    ["2026-04-06"],
)
"""Nine to five in Berlin; Easter Monday 6 April 2026 is a holiday."""


def test_the_next_response_counts_office_minutes_over_the_clock_change() -> None:
    # Berlin moves to summer time on Sunday 29 March 2026.
    friday = berlin(2026, 3, 27, 15, 0)
    ticket = answered_ticket(terms(OFFICE_WITH_EASTER, next_response=60), friday)
    events = reply(ticket, CUSTOMER, berlin(2026, 3, 27, 16, 30))
    due = events[-1].deadline.due
    assert due == berlin(2026, 3, 30, 9, 30)  # 30 minutes on Friday, 30 on Monday
    assert due == datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # summer time by then
    assert events[-1].deadline.warn_at == berlin(2026, 3, 30, 9, 18)  # 80% = 48 minutes


def test_the_next_response_skips_a_holiday() -> None:
    thursday = berlin(2026, 4, 2, 15, 0)  # Good Friday is a working day in this calendar
    plan = terms(OFFICE_WITH_EASTER, resolution=4800, next_response=120)
    ticket = answered_ticket(plan, thursday)
    events = reply(ticket, CUSTOMER, berlin(2026, 4, 3, 16, 0))
    # One hour on Friday; the weekend and Easter Monday are closed; one hour on Tuesday.
    assert events[-1].deadline.due == berlin(2026, 4, 7, 10, 0)
    assert verdicts(worker_check(ticket, berlin(2026, 4, 6, 12, 0))) == []
    assert verdicts(worker_check(ticket, berlin(2026, 4, 7, 10, 1))) == [
        ("SLABreached", NEXT_RESPONSE)
    ]


def test_the_first_response_still_runs_alongside() -> None:
    ticket = sla_ticket(MONDAY, KEEP_IN_LOOP)
    events = reply(ticket, AGENT, at(10))
    assert verdicts(events) == [("SLAMet", FIRST_RESPONSE)]
