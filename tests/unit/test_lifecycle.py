"""The ticket lifecycle: given events → when a command → then events (or a refusal)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from itertools import product
from uuid import uuid4

import pytest

from domain.errors import Forbidden, InvalidInput, InvalidTransition
from domain.lifecycle import ALLOWED, STATUS_MOVES, Command
from domain.policy import BODY_MAX, SUBJECT_MAX, require_may, require_may_open
from domain.ticket import Ticket
from domain.values import Actor, Attachment, Origin, Priority, Role, Status
from tests.builders import (
    AGENT,
    CUSTOMER,
    SALES,
    START,
    later,
    new_events,
    origin,
    person,
    ticket_fields,
    ticket_in,
)

WHEN = later(60)
SCREENSHOT = Attachment(uuid4(), "ab" * 32, "toner.png", "image/png", 2048)


def _a_move_from(status: Status) -> Status:
    return min((to for (frm, to) in STATUS_MOVES if frm == status), default=Status.OPEN)


COMMANDS: dict[Command, Callable[[Ticket, Origin], None]] = {
    Command.ASSIGN: lambda t, o: t.assign(AGENT.id, o),
    Command.TRANSFER: lambda t, o: t.transfer(SALES, o),
    Command.REPLY: lambda t, o: t.reply(uuid4(), "On my way with an extinguisher.", o),
    Command.NOTE: lambda t, o: t.add_note(uuid4(), "Smells of toner.", o),
    Command.ATTACH: lambda t, o: t.upload([SCREENSHOT], o),
    Command.CHANGE_STATUS: lambda t, o: t.change_status(_a_move_from(t.status), o),
    Command.CHANGE_PRIORITY: lambda t, o: t.change_priority(Priority.URGENT, o),
    Command.RESOLVE: lambda t, o: t.resolve("Replaced the fuser.", o),
    Command.CLOSE: lambda t, o: t.close(o),
    Command.REOPEN: lambda t, o: t.reopen("It is smoking again.", o),
    Command.REVIEW: lambda t, o: t.add_review(5, "Quick and kind.", o),
    Command.CHECK_SLA: lambda t, o: t.check_sla(o),
}
RECORDS: dict[Command, type[Ticket.Event] | None] = {
    Command.ASSIGN: Ticket.Assigned,
    Command.TRANSFER: Ticket.Transferred,
    Command.REPLY: Ticket.Replied,
    Command.NOTE: Ticket.NoteAdded,
    Command.ATTACH: Ticket.AttachmentUploaded,
    Command.CHANGE_STATUS: Ticket.StatusChanged,
    Command.CHANGE_PRIORITY: Ticket.PriorityChanged,
    Command.RESOLVE: Ticket.Resolved,
    Command.CLOSE: Ticket.Closed,
    Command.REOPEN: Ticket.Reopened,
    Command.REVIEW: Ticket.Reviewed,
    Command.CHECK_SLA: None,
}
"""What each command records on a ticket without an SLA plan (an SLA check: nothing)."""
SYSTEM = person(Role.SYSTEM)
ISSUER = {Command.REVIEW: CUSTOMER, Command.CHECK_SLA: SYSTEM}
"""Staff issue every command but the review, which only a customer may give, and the
SLA check, which only the SLA worker makes."""

PAIRS = list(product(Command, Status))
ALLOWED_PAIRS = [(c, s) for c, s in PAIRS if s in ALLOWED[c]]
FORBIDDEN_PAIRS = [(c, s) for c, s in PAIRS if s not in ALLOWED[c]]
MOVES = list(product(Status, Status))


def _ids(pair: tuple[StrEnum, StrEnum]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def assert_carries(event: Ticket.Event, by: Origin) -> None:
    assert event.actor_id == by.actor.id
    assert event.actor_role is by.actor.role
    assert event.correlation_id == by.correlation_id
    assert event.causation_id == by.causation_id
    assert event.timestamp == by.at


def test_every_command_has_a_row_in_the_table() -> None:
    assert set(ALLOWED) == set(Command) == set(COMMANDS) == set(RECORDS)


@pytest.mark.parametrize(("command", "status"), ALLOWED_PAIRS, ids=map(_ids, ALLOWED_PAIRS))
def test_an_allowed_command_records_its_event(command: Command, status: Status) -> None:
    ticket = ticket_in(status)
    when = origin(ISSUER.get(command, AGENT), WHEN)
    COMMANDS[command](ticket, when)
    events = new_events(ticket)
    expected = RECORDS[command]
    assert [type(e) for e in events] == ([] if expected is None else [expected])
    for event in events:
        assert_carries(event, when)


@pytest.mark.parametrize(("command", "status"), FORBIDDEN_PAIRS, ids=map(_ids, FORBIDDEN_PAIRS))
def test_a_forbidden_command_is_refused_and_records_nothing(
    command: Command, status: Status
) -> None:
    ticket = ticket_in(status)
    with pytest.raises(InvalidTransition):
        COMMANDS[command](ticket, origin(ISSUER.get(command, AGENT), WHEN))
    assert new_events(ticket) == []
    assert ticket.status is status


@pytest.mark.parametrize(("current", "target"), MOVES, ids=map(_ids, MOVES))
def test_the_status_command_makes_only_the_moves_in_the_table(
    current: Status, target: Status
) -> None:
    ticket = ticket_in(current)
    when = origin(AGENT, WHEN)
    if (current, target) in STATUS_MOVES:
        ticket.change_status(target, when)
        [event] = new_events(ticket)
        assert isinstance(event, Ticket.StatusChanged)
        assert event.status is target
        assert ticket.status is target
        assert_carries(event, when)
    else:
        with pytest.raises(InvalidTransition):
            ticket.change_status(target, when)
        assert new_events(ticket) == []


def test_opening_records_created_with_its_origin() -> None:
    opened_by = origin(CUSTOMER, START)
    ticket = Ticket.open(**ticket_fields(origin=opened_by))
    [event] = new_events(ticket)
    assert isinstance(event, Ticket.Created)
    assert_carries(event, opened_by)
    assert ticket.status is Status.OPEN


def test_customer_reply_to_an_awaiting_ticket_puts_it_back_in_progress() -> None:
    ticket = ticket_in(Status.AWAITING_CUSTOMER)
    when = origin(CUSTOMER, WHEN)
    ticket.reply(uuid4(), "It is a LaserJet 4.", when)
    replied, moved = new_events(ticket)
    assert isinstance(replied, Ticket.Replied)
    assert isinstance(moved, Ticket.StatusChanged)
    assert moved.status is Status.IN_PROGRESS
    assert ticket.status is Status.IN_PROGRESS
    assert_carries(replied, when)
    assert_carries(moved, when)


def test_customer_reply_reopens_a_resolved_ticket() -> None:
    ticket = ticket_in(Status.RESOLVED)
    when = origin(CUSTOMER, WHEN)
    ticket.reply(uuid4(), "It is smoking again.", when)
    replied, reopened = new_events(ticket)
    assert isinstance(replied, Ticket.Replied)
    assert isinstance(reopened, Ticket.Reopened)
    assert ticket.status is Status.OPEN
    assert_carries(reopened, when)


def test_a_second_review_is_refused() -> None:
    ticket = ticket_in(Status.RESOLVED)
    ticket.add_review(4, "Fine.", origin(CUSTOMER, WHEN))
    new_events(ticket)
    with pytest.raises(InvalidTransition):
        ticket.add_review(5, "Better on reflection.", origin(CUSTOMER, later(61)))
    assert new_events(ticket) == []


@pytest.mark.parametrize("rating", [-1, 0, 6, 10])
def test_a_rating_outside_one_to_five_is_invalid(rating: int) -> None:
    ticket = ticket_in(Status.RESOLVED)
    with pytest.raises(InvalidInput) as refusal:
        ticket.add_review(rating, "", origin(CUSTOMER, WHEN))
    assert refusal.value.field == "rating"
    assert new_events(ticket) == []


@pytest.mark.parametrize("rating", [1, 5])
def test_a_rating_from_one_to_five_is_recorded(rating: int) -> None:
    ticket = ticket_in(Status.RESOLVED)
    ticket.add_review(rating, "", origin(CUSTOMER, WHEN))
    [event] = new_events(ticket)
    assert isinstance(event, Ticket.Reviewed)
    assert event.rating == rating


@pytest.mark.parametrize("status", list(Status))
def test_a_customer_closes_only_a_resolved_ticket(status: Status) -> None:
    ticket = ticket_in(status)
    if status is Status.RESOLVED:
        ticket.close(origin(CUSTOMER, WHEN))
        [event] = new_events(ticket)
        assert isinstance(event, Ticket.Closed)
        assert event.reason == "confirmed"
    else:
        with pytest.raises(InvalidTransition):
            ticket.close(origin(CUSTOMER, WHEN))
        assert new_events(ticket) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", ""),
        ("subject", "   "),
        ("subject", "x" * (SUBJECT_MAX + 1)),
        ("body", ""),
        ("body", "\n\t"),
        ("body", "x" * (BODY_MAX + 1)),
    ],
    ids=["empty-subject", "blank-subject", "long-subject", "empty-body", "blank-body", "long-body"],
)
def test_opening_refuses_an_empty_or_over_long_text_naming_the_field(
    field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as refusal:
        Ticket.open(**ticket_fields(**{field: value}))
    assert refusal.value.field == field


def test_opening_takes_a_subject_and_body_of_the_longest_length() -> None:
    Ticket.open(**ticket_fields(subject="x" * SUBJECT_MAX, body="x" * BODY_MAX))


@pytest.mark.parametrize("command", [Command.REPLY, Command.NOTE])
@pytest.mark.parametrize("body", ["", " ", "x" * (BODY_MAX + 1)], ids=["empty", "blank", "long"])
def test_a_message_refuses_an_empty_or_over_long_body(command: Command, body: str) -> None:
    ticket = ticket_in(Status.OPEN)
    act = Ticket.reply if command is Command.REPLY else Ticket.add_note
    with pytest.raises(InvalidInput) as refusal:
        act(ticket, uuid4(), body, origin(AGENT, WHEN))
    assert refusal.value.field == "body"
    assert new_events(ticket) == []


MAY: dict[Role, set[Command]] = {
    Role.CUSTOMER: {Command.REPLY, Command.ATTACH, Command.CLOSE, Command.REOPEN, Command.REVIEW},
    Role.AGENT: set(Command) - {Command.REVIEW, Command.CHECK_SLA},
    Role.SUPERVISOR: set(Command) - {Command.REVIEW, Command.CHECK_SLA},
    Role.AUDITOR: set(),
    Role.ANALYST: set(),
    Role.ADMIN: set(),
    Role.SYSTEM: {Command.ASSIGN, Command.CLOSE, Command.CHECK_SLA},
}
ROLE_COMMANDS = list(product(Role, Command))


@pytest.mark.parametrize(("role", "command"), ROLE_COMMANDS, ids=map(_ids, ROLE_COMMANDS))
def test_each_role_may_issue_only_its_commands(role: Role, command: Command) -> None:
    actor: Actor = person(role)
    if command in MAY[role]:
        require_may(actor, command)
    else:
        with pytest.raises(Forbidden):
            require_may(actor, command)


@pytest.mark.parametrize("role", list(Role))
def test_only_customers_and_staff_may_open_tickets(role: Role) -> None:
    if role in {Role.CUSTOMER, Role.AGENT, Role.SUPERVISOR}:
        require_may_open(person(role))
    else:
        with pytest.raises(Forbidden):
            require_may_open(person(role))
