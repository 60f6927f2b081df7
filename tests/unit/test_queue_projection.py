"""The queue projection, given ticket events, then rows: in memory, without a store."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.personal import ERASED
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Priority, Status
from projections.base import MemoryRows, Row
from projections.queue.handlers import TICKETS, WORDS, QueueProjection
from projections.sla_clock import NOT_DUE
from tests.builders import (
    ADMIN,
    AGENT,
    CUSTOMER,
    SALES,
    START,
    SUPERVISOR,
    TICKET_ID,
    full_story,
    later,
    new_events,
    origin,
    ticket_fields,
)

OTHER_AGENT = UUID("a9e0a9e0-0000-4000-8000-000000000002")


def opened(**overrides: Any) -> tuple[Ticket, MemoryRows]:
    """Given a newly opened ticket, fed to the projection at position 1."""
    ticket = Ticket.open(**ticket_fields(**overrides))
    rows = MemoryRows()
    feed(rows, new_events(ticket), first=1)
    return ticket, rows


def feed(rows: MemoryRows, events: list[Ticket.Event], first: int) -> None:
    rows.apply(QueueProjection, list(enumerate(events, start=first)))


def then(ticket: Ticket, rows: MemoryRows) -> Row:
    """Feeds the ticket's new events, and answers its row."""
    feed(rows, new_events(ticket), first=ticket.version * 10)
    return row_of(rows, ticket.id)


def row_of(rows: MemoryRows, ticket_id: UUID) -> Row:
    return rows.tables[TICKETS.name][(str(ticket_id),)]


def test_a_created_ticket_is_an_open_unassigned_row_due_never():
    ticket, rows = opened(priority=Priority.HIGH, department_id=SALES)

    assert row_of(rows, ticket.id) == {
        "ticket_id": str(TICKET_ID),
        "number": "10000001",
        "subject": "The printer is on fire",
        "status": "open",
        "priority": "high",
        "priority_rank": 1,
        "department_id": str(SALES),
        "assignee_id": None,
        "customer_id": str(CUSTOMER.id),
        "created_at": rfc3339(START),
        "last_activity_at": rfc3339(START),
        "first_response_due": None,
        "resolution_due": None,
        "next_response_due": None,
        "due_sort": NOT_DUE,
        "sla_state": "none",
        "sla_clock": None,
        "resolved_at": None,
        "version": 1,
        "department_key": str(SALES),
        "assignee_key": "",
    }


def test_a_ticket_without_customer_or_department_has_null_columns():
    ticket, rows = opened(customer_id=None)

    row = row_of(rows, ticket.id)
    assert (row["customer_id"], row["department_id"]) == (None, None)


def test_assigning_sets_the_assignee_and_moves_the_last_activity():
    ticket, rows = opened()
    ticket.assign(AGENT.id, origin(SUPERVISOR, later(5)))

    row = then(ticket, rows)
    assert row["assignee_id"] == str(AGENT.id)
    assert row["last_activity_at"] == rfc3339(later(5))
    assert row["version"] == 2


def test_reassigning_replaces_the_assignee_and_unassigning_clears_it():
    ticket, rows = opened()
    ticket.assign(AGENT.id, origin(SUPERVISOR, later(1)))
    ticket.assign(OTHER_AGENT, origin(SUPERVISOR, later(2)))
    assert then(ticket, rows)["assignee_id"] == str(OTHER_AGENT)

    ticket.assign(None, origin(SUPERVISOR, later(3)))

    row = then(ticket, rows)
    assert row["assignee_id"] is None
    assert row["last_activity_at"] == rfc3339(later(3))


def test_a_transfer_moves_the_ticket_to_the_department():
    ticket, rows = opened()
    ticket.transfer(SALES, origin(AGENT, later(4)))

    row = then(ticket, rows)
    assert row["department_id"] == str(SALES)
    assert row["last_activity_at"] == rfc3339(later(4))


@pytest.mark.parametrize("command", ["reply", "add_note"])
def test_replies_and_notes_only_move_the_last_activity(command: str):
    ticket, rows = opened()
    before = dict(row_of(rows, ticket.id))
    getattr(ticket, command)(uuid4(), "Any news?", origin(AGENT, later(7)))

    row = then(ticket, rows)
    assert row == {**before, "last_activity_at": rfc3339(later(7)), "version": 2}


def test_a_customer_reply_while_awaiting_the_customer_puts_the_ticket_in_progress():
    ticket, rows = opened()
    ticket.change_status(Status.AWAITING_CUSTOMER, origin(AGENT, later(1)))
    assert then(ticket, rows)["status"] == "awaiting_customer"

    ticket.reply(uuid4(), "Here is the model number.", origin(CUSTOMER, later(2)))

    row = then(ticket, rows)
    assert row["status"] == "in_progress"
    assert row["version"] == 4


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.AWAITING_CUSTOMER])
def test_a_status_change_sets_the_status(status: Status):
    ticket, rows = opened()
    ticket.change_status(status, origin(AGENT, later(2)))

    row = then(ticket, rows)
    assert row["status"] == status.value
    assert row["last_activity_at"] == rfc3339(later(2))


@pytest.mark.parametrize(
    ("priority", "rank"),
    [(Priority.URGENT, 0), (Priority.HIGH, 1), (Priority.LOW, 3)],
)
def test_a_priority_change_sets_the_priority_and_its_rank(priority: Priority, rank: int):
    ticket, rows = opened()
    ticket.change_priority(priority, origin(AGENT, later(3)))

    row = then(ticket, rows)
    assert (row["priority"], row["priority_rank"]) == (priority.value, rank)
    assert row["last_activity_at"] == rfc3339(later(3))


def test_back_to_normal_priority_ranks_after_high_and_before_low():
    ticket, rows = opened(priority=Priority.URGENT)
    ticket.change_priority(Priority.NORMAL, origin(AGENT, later(1)))

    assert then(ticket, rows)["priority_rank"] == 2


def test_resolving_closing_and_reopening_set_the_status_each_time():
    ticket, rows = opened()
    ticket.resolve("Replaced the fuser.", origin(AGENT, later(1)))
    assert then(ticket, rows)["status"] == "resolved"

    ticket.close(origin(CUSTOMER, later(2)))
    assert then(ticket, rows)["status"] == "closed"

    ticket.reopen("It is smoking again.", origin(CUSTOMER, later(3)))
    row = then(ticket, rows)
    assert row["status"] == "open"
    assert row["last_activity_at"] == rfc3339(later(3))


def test_a_review_only_moves_the_last_activity():
    ticket, rows = opened()
    ticket.resolve("Replaced the fuser.", origin(AGENT, later(1)))
    before = then(ticket, rows)
    ticket.add_review(5, "Quick and kind.", origin(CUSTOMER, later(9)))

    row = then(ticket, rows)
    assert row == {**before, "last_activity_at": rfc3339(later(9)), "version": 3}


def test_the_whole_story_ends_in_one_row_at_the_last_version():
    story = full_story()
    rows = MemoryRows()
    feed(rows, story, first=100)

    row = row_of(rows, TICKET_ID)
    handled = [e for e in story if type(e) in QueueProjection.handlers]
    assert row["version"] == handled[-1].originator_version
    assert row["status"] == "open"
    assert row["assignee_id"] == str(AGENT.id)
    assert row["department_id"] == str(SALES)
    assert (row["priority"], row["priority_rank"]) == ("urgent", 0)
    assert row["created_at"] == rfc3339(story[0].timestamp)
    acts = [e for e in handled if not isinstance(e, Ticket.Erased)]
    assert row["last_activity_at"] == rfc3339(acts[-1].timestamp)  # an erasure is no act
    assert row["subject"] == ERASED


def test_one_event_per_batch_gives_the_same_rows_as_one_batch():
    story = full_story()
    at_once, one_by_one = MemoryRows(), MemoryRows()

    feed(at_once, story, first=1)
    for position, event in enumerate(story, start=1):
        feed(one_by_one, [event], first=position)

    assert one_by_one.tables == at_once.tables


def test_each_ticket_has_its_own_row():
    first = Ticket.open(**ticket_fields())
    second = Ticket.open(**ticket_fields(ticket_id=uuid4(), number="10000002"))
    second.assign(AGENT.id, origin(SUPERVISOR, later(1)))
    rows = MemoryRows()

    feed(rows, [*new_events(first), *new_events(second)], first=1)

    assert len(rows.tables[TICKETS.name]) == 2
    assert row_of(rows, first.id)["assignee_id"] is None
    assert row_of(rows, second.id)["assignee_id"] == str(AGENT.id)


def test_events_of_a_ticket_never_created_leave_no_row():
    ticket = Ticket.open(**ticket_fields())
    ticket.collect_events()
    ticket.add_note(uuid4(), "Orphan note.", origin(AGENT, later(1)))
    rows = MemoryRows()

    feed(rows, new_events(ticket), first=5)

    assert rows.tables.get(TICKETS.name, {}) == {}


def test_an_erasure_leaves_the_row_and_words_a_ticket_of_erased_texts_has():
    ticket, rows = opened()
    ticket.reply(uuid4(), "A LaserJet 4.", origin(CUSTOMER, later(1)))
    before = then(ticket, rows)
    ticket.erase(origin(ADMIN, later(9)))

    row = then(ticket, rows)

    assert row == {**before, "subject": ERASED, "version": ticket.version}
    texts = Ticket.open(**ticket_fields(ticket_id=uuid4(), subject=ERASED, body=ERASED))
    texts.reply(uuid4(), ERASED, origin(CUSTOMER, later(1)))
    feed(rows, new_events(texts), first=100)
    stored = rows.tables[WORDS.name]
    assert stored[(str(ticket.id),)]["words"] == stored[(str(texts.id),)]["words"]
