"""The SLA timeline of a ticket: given events → when a command at an instant → then events."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from uuid import UUID, uuid4

import pytest

from domain.sla import SLATerms
from domain.ticket import Ticket
from domain.values import Actor, Origin, Status
from tests.builders import AGENT, CUSTOMER, SALES, new_events, origin, replay, ticket_fields
from tests.unit.sla_builders import (
    FIRST_RESPONSE,
    MONDAY,
    OFFICE_TERMS,
    OTHER_PLAN,
    PLAN,
    RESOLUTION,
    ROUND_THE_CLOCK,
    WORKER,
    berlin,
    deadline,
    minutes_after,
    names,
    sla_ticket,
    terms,
    verdicts,
    when,
    worker_check,
)

FRIDAY_4PM = berlin(2026, 3, 27, 16, 0)
"""The Friday before Berlin moves its clocks forward (Sunday 29 March 2026)."""


def at(minutes: float) -> datetime:
    """Minutes after the ticket was opened on MONDAY."""
    return minutes_after(MONDAY, minutes)


def reply(ticket: Ticket, by: Actor, minutes: float) -> list[Ticket.Event]:
    return when(ticket, "reply", uuid4(), "Any news?", origin(by, at(minutes)))


def test_opening_with_terms_records_created_then_sla_started_for_cycle_one() -> None:
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY), sla=OFFICE_TERMS))
    events = new_events(ticket)
    started = events[1]
    assert names(events) == ["Created", "SLAStarted"]
    assert started.cycle == 1
    assert (started.terms.plan_id, started.terms.plan_version) == (PLAN, 3)
    assert [d.target for d in started.deadlines] == [FIRST_RESPONSE, RESOLUTION]


def test_eight_business_hours_from_friday_4pm_are_due_monday_4pm_in_berlin() -> None:
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, FRIDAY_4PM), sla=OFFICE_TERMS))
    first, resolution = new_events(ticket)[1].deadlines
    assert resolution.due == berlin(2026, 3, 30, 16, 0)
    assert resolution.due == datetime(2026, 3, 30, 14, 0, tzinfo=UTC)  # summer time by then
    assert resolution.warn_at == berlin(2026, 3, 30, 14, 24)  # 80% = 384 min: 60 Fri + 324 Mon
    assert (first.due, first.warn_at) == (berlin(2026, 3, 27, 17, 0), berlin(2026, 3, 27, 16, 48))


def test_round_the_clock_terms_add_plain_minutes() -> None:
    ticket = sla_ticket(MONDAY, ROUND_THE_CLOCK)
    assert (deadline(ticket, FIRST_RESPONSE).warn_at, deadline(ticket, FIRST_RESPONSE).due) == (
        at(48),
        at(60),
    )
    assert (deadline(ticket, RESOLUTION).warn_at, deadline(ticket, RESOLUTION).due) == (
        at(384),
        at(480),
    )


def test_a_staff_reply_in_time_records_replied_then_first_response_met() -> None:
    events = reply(sla_ticket(), AGENT, 30)
    assert names(events) == ["Replied", "SLAMet"]
    assert verdicts(events) == [("SLAMet", FIRST_RESPONSE)]


def test_a_second_staff_reply_records_no_verdict() -> None:
    ticket = sla_ticket()
    reply(ticket, AGENT, 30)
    assert names(reply(ticket, AGENT, 90)) == ["Replied"]


def test_a_customer_reply_does_not_satisfy_the_first_response() -> None:
    ticket = sla_ticket()
    assert names(reply(ticket, CUSTOMER, 30)) == ["Replied"]
    assert deadline(ticket, FIRST_RESPONSE).pending
    assert verdicts(reply(ticket, AGENT, 40)) == [("SLAMet", FIRST_RESPONSE)]


def test_a_late_staff_reply_records_the_breach_before_replied_and_no_met() -> None:
    events = reply(sla_ticket(), AGENT, 75)
    assert names(events) == ["SLABreached", "Replied"]
    assert (events[0].target, events[0].due) == (FIRST_RESPONSE, at(60))


def test_a_late_staff_reply_after_the_workers_breach_records_no_second_breach() -> None:
    ticket = sla_ticket()
    assert verdicts(worker_check(ticket, at(65))) == [("SLABreached", FIRST_RESPONSE)]
    assert names(reply(ticket, AGENT, 75)) == ["Replied"]


def test_a_check_before_the_warning_threshold_records_nothing() -> None:
    assert worker_check(sla_ticket(), at(47)) == []


def test_a_check_at_the_threshold_warns_once() -> None:
    ticket = sla_ticket()
    events = worker_check(ticket, at(48))
    assert verdicts(events) == [("SLAWarning", FIRST_RESPONSE)]
    assert events[0].due == at(60)
    assert worker_check(ticket, at(48)) == []
    assert worker_check(ticket, at(59)) == []


def test_a_check_after_the_due_time_breaches_once() -> None:
    ticket = sla_ticket()
    worker_check(ticket, at(50))
    assert verdicts(worker_check(ticket, at(61))) == [("SLABreached", FIRST_RESPONSE)]
    assert worker_check(ticket, at(62)) == []
    assert worker_check(ticket, at(300)) == []


def test_the_worker_records_each_warning_and_breach_once_however_often_it_runs() -> None:
    """A target is breached only after its due instant (a reply at it is in time)."""
    ticket = sla_ticket()
    seen = [
        (event.timestamp, *verdict)
        for minutes in range(600)
        for event in worker_check(ticket, at(minutes))
        for verdict in verdicts([event])
    ]
    assert seen == [
        (at(48), "SLAWarning", FIRST_RESPONSE),
        (at(61), "SLABreached", FIRST_RESPONSE),
        (at(384), "SLAWarning", RESOLUTION),
        (at(481), "SLABreached", RESOLUTION),
    ]


def test_resolving_in_time_records_resolved_then_met_for_every_pending_target() -> None:
    events = when(sla_ticket(), "resolve", "Replaced the fuser.", origin(AGENT, at(30)))
    assert names(events) == ["Resolved", "SLAMet", "SLAMet"]
    assert verdicts(events) == [("SLAMet", FIRST_RESPONSE), ("SLAMet", RESOLUTION)]


def test_resolving_after_a_staff_reply_meets_only_the_resolution() -> None:
    ticket = sla_ticket()
    reply(ticket, AGENT, 10)
    events = when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, at(30)))
    assert verdicts(events) == [("SLAMet", RESOLUTION)]


def test_resolving_late_records_the_breach_before_resolved() -> None:
    ticket = sla_ticket()
    reply(ticket, AGENT, 10)
    events = when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, at(500)))
    assert names(events) == ["SLABreached", "Resolved"]
    assert (events[0].target, events[0].due) == (RESOLUTION, at(480))


def test_resolving_while_paused_resumes_the_clock_first() -> None:
    ticket = sla_ticket()
    ticket.change_status(Status.AWAITING_CUSTOMER, origin(AGENT, at(10)))
    new_events(ticket)
    events = when(ticket, "resolve", "Replaced the fuser.", origin(AGENT, at(100)))
    assert names(events) == ["SLAResumed", "Resolved", "SLAMet", "SLAMet"]


def _resolved(minutes: float) -> Ticket:
    ticket = sla_ticket()
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(minutes)))
    new_events(ticket)
    return ticket


def test_reopening_starts_cycle_two_for_the_resolution_only() -> None:
    ticket = _resolved(30)
    events = when(ticket, "reopen", "It is smoking again.", origin(CUSTOMER, at(100)))
    assert names(events) == ["Reopened", "SLAStarted"]
    started = events[1]
    assert (started.cycle, started.terms) == (2, ROUND_THE_CLOCK)
    assert [(d.target, d.due) for d in started.deadlines] == [(RESOLUTION, at(580))]


def test_a_customer_reply_to_a_resolved_ticket_starts_cycle_two() -> None:
    events = reply(_resolved(30), CUSTOMER, 100)
    assert names(events) == ["Replied", "Reopened", "SLAStarted"]
    assert events[2].cycle == 2


def test_cycle_two_warns_and_breaches_again_once_each() -> None:
    ticket = sla_ticket()
    for minutes in (48, 61, 384, 481):
        worker_check(ticket, at(minutes))
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(500)))
    ticket.reopen("It is smoking again.", origin(CUSTOMER, at(1000)))
    new_events(ticket)
    assert worker_check(ticket, at(1383)) == []
    assert verdicts(worker_check(ticket, at(1384))) == [("SLAWarning", RESOLUTION)]
    assert worker_check(ticket, at(1480)) == []
    assert verdicts(worker_check(ticket, at(1481))) == [("SLABreached", RESOLUTION)]
    assert worker_check(ticket, at(2000)) == []


def test_a_transfer_to_another_plan_starts_it_for_the_targets_still_open() -> None:
    ticket = sla_ticket()
    reply(ticket, AGENT, 10)
    other = terms(None, plan_id=OTHER_PLAN, plan_version=1, resolution=240)
    events = when(ticket, "transfer", SALES, origin(AGENT, at(20)), other)
    assert names(events) == ["Transferred", "SLAStarted"]
    started = events[1]
    assert (started.terms.plan_id, started.terms.plan_version, started.cycle) == (OTHER_PLAN, 1, 1)
    assert [(d.target, d.due) for d in started.deadlines] == [(RESOLUTION, at(260))]


@pytest.mark.parametrize("sla", [ROUND_THE_CLOCK, None], ids=["same plan", "no plan"])
def test_a_transfer_under_the_same_plan_or_none_keeps_the_clock(sla: SLATerms | None) -> None:
    ticket = sla_ticket()
    before = ticket.sla
    assert names(when(ticket, "transfer", SALES, origin(AGENT, at(20)), sla)) == ["Transferred"]
    assert ticket.sla == before


def test_a_ticket_without_terms_records_no_sla_events() -> None:
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY)))
    steps = [
        lambda o: ticket.check_sla(o),
        lambda o: ticket.reply(uuid4(), "Smoke?", o),
        lambda o: ticket.change_status(Status.AWAITING_CUSTOMER, o),
        lambda o: ticket.reply(uuid4(), "Still smoking.", o),
        lambda o: ticket.transfer(SALES, o, None),
        lambda o: ticket.resolve("Replaced the fuser.", o),
        lambda o: ticket.reopen("Smoking again.", o),
        lambda o: ticket.check_sla(o),
    ]
    actors = [WORKER, AGENT, AGENT, CUSTOMER, AGENT, AGENT, CUSTOMER, WORKER]
    for number, (step, actor) in enumerate(zip(steps, actors, strict=True)):
        step(origin(actor, at(1000 * number)))  # each step long after every would-be due time
    recorded = names(new_events(ticket))
    assert not [name for name in recorded if name.startswith("SLA")]
    assert ticket.sla is None
    assert worker_check(ticket, at(99999)) == []


def test_every_sla_event_carries_its_origin_and_chains_like_other_events() -> None:
    def story_origin(actor: Actor, minutes: int) -> Origin:
        return origin(actor, at(minutes), correlation_id=uuid4(), causation_id=UUID(int=minutes))

    ticket = Ticket.open(**ticket_fields(origin=story_origin(CUSTOMER, 0), sla=OFFICE_TERMS))
    history = new_events(ticket)
    steps = [
        (lambda o: ticket.check_sla(o), story_origin(WORKER, 50)),
        (lambda o: ticket.change_status(Status.AWAITING_CUSTOMER, o), story_origin(AGENT, 55)),
        (lambda o: ticket.reply(uuid4(), "Here.", o), story_origin(CUSTOMER, 120)),
        (lambda o: ticket.check_sla(o), story_origin(WORKER, 200)),
        (lambda o: ticket.resolve("Done.", o), story_origin(AGENT, 1500)),
        (lambda o: ticket.reopen("Again.", o), story_origin(CUSTOMER, 1600)),
    ]
    for step, step_origin in steps:
        step(step_origin)
        events = new_events(ticket)
        for event in events:
            assert event.timestamp == step_origin.at
            assert (event.actor_id, event.actor_role) == (
                step_origin.actor.id,
                step_origin.actor.role,
            )
            assert (event.correlation_id, event.causation_id) == (
                step_origin.correlation_id,
                step_origin.causation_id,
            )
        history += events
    assert {name for name in names(history) if name.startswith("SLA")} == {
        "SLAStarted",
        "SLAWarning",
        "SLAPaused",
        "SLAResumed",
        "SLABreached",
        "SLAMet",
    }
    for before, after in pairwise(history):
        assert after.prev_hash == before.digest()
    rebuilt = replay(history)
    assert (rebuilt.head_hash, rebuilt.sla) == (ticket.head_hash, ticket.sla)
