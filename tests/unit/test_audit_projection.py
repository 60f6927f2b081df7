"""The audit projection, given ticket events, then rows: one row per event, by position."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

from domain.people import Person
from domain.personal import ERASED, personal_fields, replaced
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Role
from projections.audit.handlers import EVENTS, AuditProjection
from projections.base import MemoryRows, Row
from tests.builders import (
    AGENT,
    CAUSATION,
    CORRELATION,
    CUSTOMER,
    START,
    TICKET_ID,
    full_story,
    later,
    new_events,
    opened_ticket,
    origin,
)

COMMON_FIELDS = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "actor_id",
    "actor_role",
    "correlation_id",
    "causation_id",
}


def audited(events: list[Ticket.Event], first: int = 1) -> list[Row]:
    """The audit rows after feeding the events at consecutive positions, in position order."""
    rows = MemoryRows()
    rows.apply(AuditProjection, list(enumerate(events, start=first)))
    table = rows.tables.get(EVENTS.name, {})
    return [table[key] for key in sorted(table)]


def test_every_ticket_event_becomes_one_row_at_its_position():
    story = full_story()

    rows = audited(story, first=40)

    assert [r["position"] for r in rows] == list(range(40, 40 + len(story)))
    assert [r["type"] for r in rows] == [type(e).__name__ for e in story]
    assert [r["version"] for r in rows] == list(range(1, len(story) + 1))
    assert {r["ticket_id"] for r in rows} == {str(TICKET_ID)}


def test_the_whole_story_uses_every_type_the_audit_log_knows():
    rows = audited(full_story())

    assert {r["type"] for r in rows} == AuditProjection.type_names()


def test_a_row_says_who_acted_when_and_why():
    ticket = opened_ticket()
    created_hash = ticket.head_hash
    correlation, causation, message_id = uuid4(), uuid4(), uuid4()
    at = later(30)
    ticket.add_note(
        message_id,
        "Smells of toner.",
        origin(AGENT, at, correlation_id=correlation, causation_id=causation),
    )

    events = new_events(ticket)
    (row,) = audited(events, first=7)

    assert {**row, "data": json.loads(row["data"])} == {
        "position": 7,
        "ticket_id": str(TICKET_ID),
        "version": 2,
        "type": "NoteAdded",
        "occurred_at": rfc3339(at),
        "actor_id": str(AGENT.id),
        "actor_role": "agent",
        "correlation_id": str(correlation),
        "causation_id": str(causation),
        "data": {
            "prev_hash": created_hash,
            "message_id": str(message_id),
            "body": "Smells of toner.",
            "attachments": [],
        },
        "digest": ticket.head_hash,
    }


def test_the_data_is_the_event_as_json_without_the_common_fields():
    ticket = opened_ticket()
    message_id = uuid4()
    ticket.reply(message_id, 'Which "model" is it? ✓', origin(AGENT, later(1)))
    (event,) = new_events(ticket)

    (row,) = audited([event])

    assert json.loads(row["data"]) == {
        "prev_hash": event.prev_hash,
        "message_id": str(message_id),
        "body": 'Which "model" is it? ✓',
        "attachments": [],
    }


def test_no_row_repeats_the_common_fields_in_its_data():
    for row in audited(full_story()):
        assert not COMMON_FIELDS & set(json.loads(row["data"])), row["type"]


def test_the_created_row_keeps_what_the_ticket_was_opened_with():
    *lived, erased = full_story()
    assert isinstance(erased, Ticket.Erased)
    (row, *_) = audited(lived)

    data = json.loads(row["data"])
    assert row["type"] == "Created"
    assert row["occurred_at"] == rfc3339(START)
    assert (row["actor_id"], row["actor_role"]) == (str(CUSTOMER.id), "customer")
    assert (row["correlation_id"], row["causation_id"]) == (str(CORRELATION), str(CAUSATION))
    assert data["subject"] == "The printer is on fire"
    assert data["priority"] == "normal"
    assert data["customer_id"] == str(CUSTOMER.id)
    assert data["department_id"] is None


def test_events_that_are_not_ticket_events_leave_no_row():
    person = Person.register(
        UUID("0d0d0d0d-0000-4000-8000-000000000001"),
        "Ada",
        "ada@example.com",
        Role.AGENT,
        [],
        origin(AGENT),
    )

    rows = MemoryRows()
    rows.apply(AuditProjection, list(enumerate(person.collect_events(), start=1)))

    assert rows.tables.get(EVENTS.name, {}) == {}


def test_events_of_two_tickets_interleave_in_log_order():
    first, second = opened_ticket(), opened_ticket(ticket_id=uuid4(), number="10000002")
    first.add_note(uuid4(), "One.", origin(AGENT, later(1)))
    second.add_note(uuid4(), "Two.", origin(AGENT, later(2)))
    first.add_note(uuid4(), "Three.", origin(AGENT, later(3)))
    events = [*new_events(first), *new_events(second)]
    interleaved = [events[0], events[2], events[1]]

    rows = audited(interleaved, first=20)

    assert [(r["position"], r["ticket_id"], r["version"]) for r in rows] == [
        (20, str(first.id), 2),
        (21, str(second.id), 2),
        (22, str(first.id), 3),
    ]


def test_an_erasure_rewrites_every_personal_field_of_its_ticket_as_a_rebuild_reads_it():
    *lived, erasure = full_story()
    other = opened_ticket(ticket_id=uuid4(), number="10000002")
    events = [*lived, *new_events(other), erasure]
    before = audited(events[:-1])

    after = audited(events)

    *rewritten, erased = after
    assert erased["type"] == "Erased"
    for old, new in zip(before, rewritten, strict=True):
        kind = getattr(Ticket, old["type"])
        paths = personal_fields(kind) if old["ticket_id"] == str(TICKET_ID) else ()
        expected = replaced(json.loads(old["data"]), paths, ERASED)
        assert json.loads(new["data"]) == json.loads(json.dumps(expected)), old["type"]
        assert {**new, "data": old["data"]} == old
    kept = "".join(r["data"] for r in after if r["ticket_id"] == str(TICKET_ID))
    for text in ("The printer is on fire", "printer.jpg", "Quick and kind.", "smoking again"):
        assert text not in kept
