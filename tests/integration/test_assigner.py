"""The assigner on each real store: round robin and least loaded, away agents, reopened
tickets, restarts, and two assigners racing over the same events."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from uuid import UUID

import pytest

from domain.organisation import AssignMode
from domain.ticket import Ticket
from domain.values import AssignReason, Role
from wiring.config import Settings
from wiring.runtime import ASSIGNER_LOCK, Runtime
from workers.assigner import Assigner

from ..conftest import FakeClock
from .worker_helpers import ADMIN, SUPERVISOR, Desk, drain, opened, said


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    with opened(settings, clock) as services:
        yield Desk(services, clock)


def assignee(desk: Desk, ticket_id: UUID) -> UUID | None:
    return desk.ticket(ticket_id).assignee_id


def created(desk: Desk, ticket_id: UUID) -> Ticket.Event:
    return desk.events(ticket_id)[0]


def test_round_robin_deals_six_tickets_to_three_agents_in_turn(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    agents = desk.agents(support, 3)
    customer = desk.customer()
    tickets = [desk.open_ticket(customer, support) for _ in range(6)]

    desk.assign_new_work()

    assert [assignee(desk, t) for t in tickets] == agents + agents
    for ticket_id in tickets:
        (decision,) = desk.assignments(ticket_id)
        assert decision.reason is AssignReason.ROUND_ROBIN
        assert decision.causation_id == created(desk, ticket_id).event_id


def test_the_rotation_carries_on_after_a_restart(settings: Settings, clock: FakeClock):
    with opened(settings, clock) as services:
        desk = Desk(services, clock)
        support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
        agents = desk.agents(support, 3)
        customer = desk.customer()
        before = [desk.open_ticket(customer, support) for _ in range(2)]
        desk.assign_new_work()
    # A new process: new services, a new assigner, the same store.
    with opened(settings, clock) as services:
        desk = desk.restarted(services)
        after = [desk.open_ticket(customer, support) for _ in range(4)]
        desk.assign_new_work()

        assert [assignee(desk, t) for t in before + after] == agents + agents


def test_away_agents_and_other_departments_get_no_tickets(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    sales = desk.department("Sales", AssignMode.ROUND_ROBIN)
    first, away, last = desk.agents(support, 3)
    seller = desk.person(Role.AGENT, sales)
    desk.helpdesk.set_away(away, True, said(ADMIN, desk.clock))
    customer = desk.customer()
    tickets = [desk.open_ticket(customer, support) for _ in range(4)]

    desk.assign_new_work()

    assert [assignee(desk, t) for t in tickets] == [first, last, first, last]
    assert seller not in {assignee(desk, t) for t in tickets}


def test_an_agent_back_from_away_rejoins_the_rotation(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    first, second = desk.agents(support, 2)
    desk.helpdesk.set_away(first, True, said(ADMIN, desk.clock))
    customer = desk.customer()
    early = desk.open_ticket(customer, support)
    desk.assign_new_work()
    desk.helpdesk.set_away(first, False, said(ADMIN, desk.clock))
    late = desk.open_ticket(customer, support)

    desk.assign_new_work()

    assert [assignee(desk, early), assignee(desk, late)] == [second, first]


def test_least_loaded_gives_the_next_ticket_to_the_agent_with_an_empty_queue(desk: Desk):
    support = desk.department("IT Support", AssignMode.LEAST_LOADED)
    agents = desk.agents(support, 3)
    busy, light, idle = agents[2], agents[0], agents[1]
    customer = desk.customer()
    # Queues of 3, 1 and 0 open tickets, assigned by hand before the assigner looks.
    for owner in (busy, busy, busy, light):
        ticket_id = desk.open_ticket(customer, support)
        desk.helpdesk.assign(ticket_id, owner, said(SUPERVISOR, desk.clock))
    desk.assign_new_work()
    newcomer = desk.open_ticket(customer, support)

    desk.assign_new_work()

    assert assignee(desk, newcomer) == idle
    (decision,) = desk.assignments(newcomer)
    assert decision.reason is AssignReason.LEAST_LOADED
    assert decision.causation_id == created(desk, newcomer).event_id


def test_least_loaded_breaks_ties_by_longest_since_last_assignment(desk: Desk):
    support = desk.department("IT Support", AssignMode.LEAST_LOADED)
    low, middle, high = desk.agents(support, 3)
    customer = desk.customer()
    # One ticket each, dealt high, low, middle by letting them in one at a time.
    for agent in (low, middle):
        desk.helpdesk.set_away(agent, True, said(ADMIN, desk.clock))
    dealt = []
    for returning in (None, low, middle):
        if returning is not None:
            desk.helpdesk.set_away(returning, False, said(ADMIN, desk.clock))
        dealt.append(desk.open_ticket(customer, support))
        desk.clock.advance(minutes=5)
        desk.assign_new_work()
    tie = desk.open_ticket(customer, support)

    desk.assign_new_work()

    assert [assignee(desk, t) for t in dealt] == [high, low, middle]
    assert assignee(desk, tie) == high


def test_least_loaded_counts_its_own_decisions_on_tickets_that_arrive_together(desk: Desk):
    support = desk.department("IT Support", AssignMode.LEAST_LOADED)
    busy, light, idle = desk.agents(support, 3)
    customer = desk.customer()
    for owner in (busy, busy, light):
        ticket_id = desk.open_ticket(customer, support)
        desk.helpdesk.assign(ticket_id, owner, said(SUPERVISOR, desk.clock))
    desk.assign_new_work()
    # Two tickets in one batch: after the first, the idle agent is as loaded as the light one.
    both = [desk.open_ticket(customer, support) for _ in range(2)]

    desk.assign_new_work()

    assert [assignee(desk, t) for t in both] == [idle, light]


def test_a_reopened_ticket_stays_with_its_assignee(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    agents = desk.agents(support, 3)
    customer = desk.customer()
    ticket_id = desk.open_ticket(customer, support)
    desk.assign_new_work()
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))
    desk.helpdesk.reopen(ticket_id, "Still locked out.", said(customer, desk.clock))

    desk.assign_new_work()

    assert assignee(desk, ticket_id) == agents[0]
    assert len(desk.assignments(ticket_id)) == 1


def test_a_reopened_unassigned_ticket_goes_back_to_its_last_assignee(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    agents = desk.agents(support, 3)
    customer = desk.customer()
    ticket_id = desk.open_ticket(customer, support)
    desk.assign_new_work()
    desk.helpdesk.assign(ticket_id, None, said(SUPERVISOR, desk.clock))
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))
    desk.helpdesk.reopen(ticket_id, "Still locked out.", said(customer, desk.clock))

    desk.assign_new_work()

    assert assignee(desk, ticket_id) == agents[0]
    reopened = next(e for e in desk.events(ticket_id) if isinstance(e, Ticket.Reopened))
    decision = desk.assignments(ticket_id)[-1]
    assert decision.reason is AssignReason.REOPEN
    assert decision.causation_id == reopened.event_id


def test_a_reopened_ticket_of_an_away_agent_goes_to_another_by_the_departments_mode(desk: Desk):
    support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
    agents = desk.agents(support, 3)
    customer = desk.customer()
    ticket_id = desk.open_ticket(customer, support)
    desk.assign_new_work()
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))
    desk.helpdesk.set_away(agents[0], True, said(ADMIN, desk.clock))
    desk.helpdesk.reopen(ticket_id, "Still locked out.", said(customer, desk.clock))

    desk.assign_new_work()

    assert assignee(desk, ticket_id) in agents[1:]
    reopened = next(e for e in desk.events(ticket_id) if isinstance(e, Ticket.Reopened))
    decision = desk.assignments(ticket_id)[-1]
    assert decision.reason is AssignReason.ROUND_ROBIN
    assert decision.causation_id == reopened.event_id


def test_two_racing_assigners_assign_each_ticket_exactly_once(settings: Settings, clock: FakeClock):
    with opened(settings, clock) as one, opened(settings, clock) as two:
        desk = Desk(one, clock)
        support = desk.department("IT Support", AssignMode.ROUND_ROBIN)
        agents = desk.agents(support, 3)
        customer = desk.customer()
        tickets = [desk.open_ticket(customer, support) for _ in range(12)]
        desk.catch_up()
        assigners = [Runtime(one).assigner(), Runtime(two).assigner()]
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def race(assigner: Assigner) -> None:
            start.wait()
            try:
                drain(assigner.step)
            except BaseException as e:  # reported by the test below
                errors.append(e)

        threads = [threading.Thread(target=race, args=(a,)) for a in assigners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert not errors
        assert {t: len(desk.assignments(t)) for t in tickets} == {t: 1 for t in tickets}
        assert {assignee(desk, t) for t in tickets} <= set(agents)


@pytest.mark.postgres
def test_only_one_of_two_assigners_leads_on_postgres(postgres_url: str, clock: FakeClock):
    settings = Settings(database_url=postgres_url)
    with opened(settings, clock) as one, opened(settings, clock) as two:
        first, second = Runtime(one).leader(ASSIGNER_LOCK), Runtime(two).leader(ASSIGNER_LOCK)

        assert [first(), second()] == [True, False]
        assert [first(), second()] == [True, False]
        # The leader's session ends (the server notices a moment later): the standby takes over.
        first.close()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while not second():
            assert time.monotonic() < deadline, "the standby never took over"
            time.sleep(0.05)
        assert first() is False
