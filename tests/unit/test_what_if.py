"""What-if: a ticket's commands issued again under other terms.

The oracle: replayed under the terms it actually ran under, a ticket's SLA comes out
exactly as recorded, whatever its history; a stricter plan can only breach more."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.sla import SLATerms, Target, next_alarm
from domain.ticket import Ticket
from domain.values import Actor, Origin, Status
from domain.what_if import TargetOutcome, Verdict, recorded, replayed
from tests.builders import AGENT, CUSTOMER, ticket_fields

from .sla_builders import MONDAY, OFFICE_TERMS, ROUND_THE_CLOCK, WORKER, terms

FOREVER = MONDAY + timedelta(days=60)
SECOND = timedelta(seconds=1)

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "staff_reply",
                "customer_reply",
                "await",
                "work",
                "resolve",
                "reopen",
                "close",
                "note",
                "check",
            ]
        ),
        st.integers(min_value=1, max_value=600),
    ),
    max_size=12,
)


def origin(actor: Actor, at: datetime) -> Origin:
    return Origin(actor, at, uuid4(), uuid4())


def act(ticket: Ticket, step: str, at: datetime) -> None:
    """One step of a ticket's life, at `at`."""
    staff, customer = origin(AGENT, at), origin(CUSTOMER, at)
    if step == "staff_reply":
        ticket.reply(uuid4(), "On it.", staff)
    elif step == "customer_reply":
        ticket.reply(uuid4(), "Any news?", customer)
    elif step in ("await", "work"):
        status = Status.AWAITING_CUSTOMER if step == "await" else Status.IN_PROGRESS
        ticket.change_status(status, staff)
    elif step == "resolve":
        ticket.resolve("Fixed.", staff)
    elif step == "reopen":
        ticket.reopen("Still broken.", customer)
    elif step == "close":
        ticket.close(staff)
    elif step == "note":
        ticket.add_note(uuid4(), "Looked at it.", staff)
    else:
        ticket.check_sla(origin(WORKER, at))


def prompt_worker(ticket: Ticket, until: datetime) -> None:
    """The SLA worker, which wakes when the ticket's clock next falls due (a second
    after it, as its timer fires), up to `until`."""
    while (alarm := next_alarm(ticket.sla)) is not None and alarm + SECOND < until:
        version = ticket.version
        ticket.check_sla(origin(WORKER, alarm + SECOND))
        if ticket.version == version:
            return


def lived(steps: list[tuple[str, int]], sla: SLATerms | None) -> list[Ticket.Event]:
    """A ticket opened on MONDAY under `sla`, worked by `steps` (minutes apart) while the
    SLA worker runs; steps the lifecycle refuses at that point are skipped, as a person
    would be refused."""
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY), sla=sla))
    at = MONDAY
    for step, minutes in steps:
        at += timedelta(minutes=minutes)
        prompt_worker(ticket, at)
        try:
            act(ticket, step, at)
        except DomainError:
            continue  # the lifecycle refused it: nothing recorded
    ticket.check_sla(origin(WORKER, FOREVER))
    return list(ticket.collect_events())


@settings(max_examples=150, deadline=None)
@given(steps=STEPS, sla=st.sampled_from([OFFICE_TERMS, ROUND_THE_CLOCK]))
def test_replayed_under_its_own_terms_a_ticket_comes_out_as_recorded(
    steps: list[tuple[str, int]], sla: SLATerms
) -> None:
    events = lived(steps, sla)
    assert replayed(events, sla, FOREVER) == recorded(events)


@settings(max_examples=100, deadline=None)
@given(steps=STEPS)
def test_a_stricter_plan_never_meets_what_the_actual_plan_breached(
    steps: list[tuple[str, int]],
) -> None:
    events = lived(steps, ROUND_THE_CLOCK)
    stricter = replayed(events, terms(None, first_response=5, resolution=30), FOREVER)
    for target, actual in recorded(events).items():
        if actual.verdict is Verdict.BREACHED:
            assert stricter[target].verdict is Verdict.BREACHED


def test_a_reply_after_two_hours_meets_a_four_hour_plan_and_breaches_a_one_hour_plan() -> None:
    events = lived([("staff_reply", 120), ("resolve", 60)], ROUND_THE_CLOCK)
    assert recorded(events)[Target.FIRST_RESPONSE] == TargetOutcome(Verdict.BREACHED, 120.0)
    looser = replayed(events, terms(None, first_response=240), FOREVER)
    assert looser == {
        Target.FIRST_RESPONSE: TargetOutcome(Verdict.MET, 120.0),
        Target.RESOLUTION: TargetOutcome(Verdict.MET, 180.0),
    }


def test_business_minutes_follow_the_hypothetical_calendar() -> None:
    """Opened Monday 10:00 in Berlin and answered at 18:00: seven office hours, or eight
    round the clock."""
    events = lived([("staff_reply", 480)], ROUND_THE_CLOCK)
    office = replayed(events, OFFICE_TERMS, FOREVER)
    assert office[Target.FIRST_RESPONSE] == TargetOutcome(Verdict.BREACHED, 420.0)
    assert recorded(events)[Target.FIRST_RESPONSE] == TargetOutcome(Verdict.BREACHED, 480.0)


def test_an_unsettled_target_is_open_until_the_moment_asked_and_breached_after() -> None:
    events = lived([], ROUND_THE_CLOCK)[:2]
    early = replayed(events, ROUND_THE_CLOCK, MONDAY + timedelta(minutes=30))
    late = replayed(events, ROUND_THE_CLOCK, MONDAY + timedelta(minutes=61))
    assert early[Target.FIRST_RESPONSE] == TargetOutcome(Verdict.OPEN, None)
    assert late[Target.FIRST_RESPONSE] == TargetOutcome(Verdict.BREACHED, None)


def test_a_ticket_without_a_plan_is_replayed_under_the_hypothetical_one() -> None:
    events = lived([("staff_reply", 30)], None)
    assert recorded(events) == {}
    assert replayed(events, ROUND_THE_CLOCK, FOREVER)[Target.FIRST_RESPONSE] == TargetOutcome(
        Verdict.MET, 30.0
    )
