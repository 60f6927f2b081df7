"""The application's scenarios on each real store."""

from __future__ import annotations

import itertools
from uuid import uuid4

from domain.application import HelpDesk
from domain.pipeline import Idempotency
from domain.ticket import Ticket
from domain.values import Status
from readside.event_log import EventLog
from readside.verification import verify_ticket
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.migrate import migrate

from ..conftest import FakeClock
from .conftest import AGENT, CUSTOMER, intent, open_ticket


def test_a_ticket_lives_through_its_lifecycle_in_the_store(helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(helpdesk, clock).aggregate_id
    helpdesk.reply(ticket_id, "Which printer?", intent(AGENT, clock))
    helpdesk.change_status(ticket_id, Status.AWAITING_CUSTOMER, intent(AGENT, clock))
    helpdesk.reply(ticket_id, "The big one.", intent(CUSTOMER, clock))
    helpdesk.add_note(ticket_id, "Extinguisher used.", intent(AGENT, clock))
    helpdesk.resolve(ticket_id, "Fire out.", intent(AGENT, clock))
    helpdesk.reopen(ticket_id, "It smoulders.", intent(CUSTOMER, clock))
    helpdesk.resolve(ticket_id, "Printer replaced.", intent(AGENT, clock))
    helpdesk.close_ticket(ticket_id, intent(CUSTOMER, clock))
    helpdesk.review(ticket_id, 4, "Warm service.", intent(CUSTOMER, clock))

    ticket = helpdesk.ticket(ticket_id, AGENT)
    assert ticket.status is Status.CLOSED
    assert ticket.review is not None
    assert ticket.review.rating == 4
    assert [type(e).__name__ for e in helpdesk.ticket_events(ticket_id, AGENT)] == [
        "Created",
        "Replied",
        "StatusChanged",
        "Replied",
        "StatusChanged",
        "NoteAdded",
        "Resolved",
        "Reopened",
        "Resolved",
        "Closed",
        "Reviewed",
    ]


def test_stored_events_decode_to_the_events_that_were_saved(helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(helpdesk, clock).aggregate_id
    saved = helpdesk.ticket(ticket_id, AGENT)
    saved.add_note(uuid4(), 'ü ✓ "quoted" <b>', intent(AGENT, clock).origin)
    expected = saved.pending_events[0]
    helpdesk.save(saved)

    stored = list(helpdesk.events.get(ticket_id))[-1]
    assert stored == expected
    assert type(stored.actor_id) is type(expected.actor_id)


def test_history_carries_increasing_global_positions(helpdesk: HelpDesk, clock: FakeClock):
    first = open_ticket(helpdesk, clock).aggregate_id
    second = open_ticket(helpdesk, clock).aggregate_id
    helpdesk.reply(first, "One", intent(AGENT, clock))
    helpdesk.reply(second, "Two", intent(AGENT, clock))
    log = EventLog(helpdesk.recorder, helpdesk.mapper)

    positions = [p.position for p in log.history(first)]
    assert positions == sorted(positions)
    assert len(set(positions)) == 2
    assert log.head() >= max(positions)


def test_a_long_ticket_is_read_from_a_snapshot(helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(helpdesk, clock).aggregate_id
    for n in range(120):
        helpdesk.add_note(ticket_id, f"note {n}", intent(AGENT, clock))

    assert helpdesk.snapshots is not None
    snapshots = list(helpdesk.snapshots.get(ticket_id, desc=True, limit=1))
    assert snapshots
    assert snapshots[0].originator_version == 100
    ticket = helpdesk.ticket(ticket_id, AGENT)
    assert ticket.version == 121
    assert len(ticket.messages) == 121
    assert verify_ticket(EventLog(helpdesk.recorder, helpdesk.mapper), ticket_id).ok


def test_a_taken_ticket_number_is_drawn_again(settings: Settings, clock: FakeClock):
    migrate(settings)
    numbers = itertools.chain(["11111111", "11111111", "11111111"], itertools.repeat("22222222"))
    helpdesk = open_helpdesk(settings, new_number=lambda: next(numbers))
    try:
        first = helpdesk.ticket(open_ticket(helpdesk, clock).aggregate_id, AGENT)
        second = helpdesk.ticket(open_ticket(helpdesk, clock).aggregate_id, AGENT)
    finally:
        helpdesk.close()
    assert (first.number, second.number) == ("11111111", "22222222")


def test_an_idempotent_retry_records_nothing_new(helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(helpdesk, clock).aggregate_id
    key = Idempotency("retry-1", "fingerprint")
    first = helpdesk.reply(ticket_id, "Hello", intent(AGENT, clock, idempotency=key))
    head = EventLog(helpdesk.recorder, helpdesk.mapper).head()
    again = helpdesk.reply(ticket_id, "Hello", intent(AGENT, clock, idempotency=key))

    assert again.replayed
    assert (again.aggregate_id, again.version) == (first.aggregate_id, first.version)
    assert EventLog(helpdesk.recorder, helpdesk.mapper).head() == head
    assert isinstance(helpdesk.ticket(ticket_id, AGENT), Ticket)


def test_migrating_again_is_harmless(settings: Settings, helpdesk: HelpDesk, clock: FakeClock):
    ticket_id = open_ticket(helpdesk, clock).aggregate_id
    migrate(settings)
    assert helpdesk.ticket(ticket_id, AGENT).version == 1
