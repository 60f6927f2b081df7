"""What mail does to a ticket, given events, when a command, then events: mail is
recorded in every status and changes nothing else; a collaborator is recorded once and
never the customer; the reopen window decides between reopening and a new ticket."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidTransition
from domain.ticket import Ticket, collaborators
from domain.values import Mail, Status

from ..builders import AGENT, CUSTOMER, SYSTEM, later, new_events, opened_ticket, origin

AUTOMATED = Mail("a" * 64, "<ooo@customer.example>", "ada@customer.example", True)


def closed() -> Ticket:
    ticket = opened_ticket()
    ticket.close(origin(AGENT, later(1)))
    new_events(ticket)
    return ticket


def test_automated_mail_on_a_closed_ticket_is_recorded_and_changes_nothing_else():
    ticket = closed()

    ticket.receive_mail(AUTOMATED, origin(SYSTEM, later(2)))

    (event,) = new_events(ticket)
    assert isinstance(event, Ticket.MailReceived)
    assert (event.sha256, event.automated) == ("a" * 64, True)
    assert ticket.status is Status.CLOSED


def test_a_collaborator_is_recorded_once_and_the_customer_never():
    ticket = opened_ticket()
    colleague = uuid4()

    for person in (colleague, colleague, CUSTOMER.id):
        ticket.add_collaborator(person, origin(CUSTOMER, later(1)))

    assert [type(e) for e in new_events(ticket)] == [Ticket.CollaboratorAdded]
    assert collaborators(ticket) == [colleague]


def test_the_reopen_window_is_counted_from_closing():
    ticket = closed()
    closed_at = ticket.closed_at
    assert closed_at is not None

    assert not ticket.reopen_window_passed(closed_at + timedelta(days=14), 14)
    assert ticket.reopen_window_passed(closed_at + timedelta(days=14, seconds=1), 14)
    assert not ticket.reopen_window_passed(closed_at + timedelta(days=400), None)


def test_a_customer_past_the_window_cannot_reopen():
    ticket = closed()

    with pytest.raises(InvalidTransition):
        ticket.reopen("again", origin(CUSTOMER, later(60 * 24 * 20)), reopen_days=14)
