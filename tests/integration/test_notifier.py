"""The notifier on each real store, sending through a real SMTP server on loopback:
who gets mail for what, what it says, and that none is lost or doubled while the
server is down."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from uuid import UUID, uuid5

import pytest

from domain.organisation import AssignMode
from domain.ticket import Ticket
from domain.values import Actor, Role
from wiring.config import Settings
from wiring.runtime import Runtime
from workers.notifier import MAX_BACKOFF

from ..conftest import FakeClock
from .worker_helpers import (
    SUPERVISOR,
    Desk,
    MailServer,
    free_port,
    html_of,
    opened,
    said,
    text_of,
)


@pytest.fixture
def customer(desk: Desk) -> Actor:
    return desk.customer()


def notify(desk: Desk) -> None:
    """The notifier composes everything logged so far and sends what is due."""
    desk.notify()


def number(desk: Desk, ticket_id: UUID) -> str:
    return f"[#{desk.ticket(ticket_id).number}]"


def message_id(event: Ticket.Event, address: str) -> str:
    """The stable Message-ID: derived from the event and the recipient only."""
    return f"<{uuid5(event.event_id, address.lower())}@ticketing>"


def last_event(desk: Desk, ticket_id: UUID, kind: type[Ticket.Event]) -> Ticket.Event:
    return [e for e in desk.events(ticket_id) if isinstance(e, kind)][-1]


def test_the_customer_gets_every_agent_reply(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    ticket_id = desk.open_ticket(customer, support)
    for reply in ("Which browser do you use?", "Please clear the cache."):
        desk.helpdesk.reply(ticket_id, reply, said(SUPERVISOR, desk.clock))

    notify(desk)

    mails = smtp.to(desk.email_of(customer.id))
    assert [text_of(m).split("\n")[0] for m in mails] == [
        "Which browser do you use?",
        "Please clear the cache.",
    ]
    assert all(number(desk, ticket_id) in m["Subject"] for m in mails)


def test_a_reply_mail_escapes_markup_in_its_html_part(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    ticket_id = desk.open_ticket(customer, support)
    reply = 'Run <script>alert("x")</script> & tell me'
    desk.helpdesk.reply(ticket_id, reply, said(SUPERVISOR, desk.clock))

    notify(desk)

    (mail,) = smtp.to(desk.email_of(customer.id))
    assert reply in text_of(mail)
    assert "<script>" not in html_of(mail)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; tell me" in html_of(mail)


def test_the_message_id_is_derived_from_the_event_and_the_recipient(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    ticket_id = desk.open_ticket(customer, support)
    desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, desk.clock))

    notify(desk)

    replied = last_event(desk, ticket_id, Ticket.Replied)
    assert smtp.message_ids() == [message_id(replied, desk.email_of(customer.id))]


def test_the_customer_gets_mail_when_the_ticket_is_resolved(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    ticket_id = desk.open_ticket(customer, support)
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))

    notify(desk)

    (mail,) = smtp.to(desk.email_of(customer.id))
    assert mail["Subject"].startswith("Resolved:")
    assert number(desk, ticket_id) in mail["Subject"]
    assert "Reset the password." in text_of(mail)


def test_an_agent_gets_mail_when_a_ticket_is_assigned_to_them(
    desk: Desk, smtp: MailServer, customer: Actor
):
    support = desk.department("Online Banking", AssignMode.ROUND_ROBIN)
    (agent,) = desk.agents(support, 1)
    ticket_id = desk.open_ticket(customer, support, body="The login page is blank.")
    desk.assign_new_work()

    notify(desk)

    (mail,) = smtp.to(desk.email_of(agent))
    assert mail["Subject"].startswith("Assigned to you:")
    assert number(desk, ticket_id) in mail["Subject"]
    assert "The login page is blank." in text_of(mail)


def test_internal_notes_and_customer_replies_send_no_mail(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    ticket_id = desk.open_ticket(customer, support)
    desk.helpdesk.add_note(ticket_id, "Secret: the admin password.", said(SUPERVISOR, desk.clock))
    desk.helpdesk.reply(ticket_id, "Any news?", said(customer, desk.clock))

    notify(desk)

    assert smtp.received == []


def test_department_agents_and_supervisors_get_sla_warnings_and_breaches(
    desk: Desk, smtp: MailServer, customer: Actor
):
    plan = desk.plan(first_response=60, resolution=480, warn_at_percent=80)
    support = desk.department("IT Support", plan_id=plan)
    sales = desk.department("Sales", plan_id=plan)
    staff = [*desk.agents(support, 2), desk.person(Role.SUPERVISOR)]
    outsider = desk.person(Role.AGENT, sales)
    ticket_id = desk.open_ticket(customer, support)
    sla = Runtime(desk.services).sla_worker()
    # 50 of 60 minutes: the first response is late enough to warn; 61: it is breached.
    for minutes in (50, 11):
        desk.clock.advance(minutes=minutes)
        desk.catch_up()
        sla.tick()
    notify(desk)

    expected = {desk.email_of(p) for p in staff}
    warned = [m for m in smtp.received if m["Subject"].startswith("SLA warning:")]
    breached = [m for m in smtp.received if m["Subject"].startswith("SLA breached:")]
    assert {m["To"] for m in warned} == expected
    assert {m["To"] for m in breached} == expected
    assert len(smtp.received) == 2 * len(expected)
    assert all(number(desk, ticket_id) in m["Subject"] for m in smtp.received)
    assert not smtp.to(desk.email_of(outsider))
    assert not smtp.to(desk.email_of(customer.id))


def test_mail_waits_while_smtp_is_down_and_arrives_once_when_it_is_back(
    desk: Desk, smtp: MailServer, customer: Actor
):
    support = desk.department("Online Banking", AssignMode.ROUND_ROBIN)
    (agent,) = desk.agents(support, 1)
    ticket_id = desk.open_ticket(customer, support)
    desk.assign_new_work()
    notifier = Runtime(desk.services).notifier()
    desk.notify(notifier)
    # The server goes down: the reply and the resolution are composed and wait.
    smtp.stop()
    desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, desk.clock))
    desk.helpdesk.resolve(ticket_id, "Reset the password.", said(SUPERVISOR, desk.clock))
    desk.notify(notifier)
    assert notifier.pending() == 2
    # Back up, but before the backoff has passed: still waiting.
    smtp.start()
    notifier.send_due()
    assert notifier.pending() == 2
    # After the backoff, everything goes, once; a restarted notifier sends nothing more.
    desk.clock.advance(seconds=MAX_BACKOFF.total_seconds() + 1)
    desk.notify(notifier)
    notifier.send_due()
    desk.notify()

    assert notifier.pending() == 0
    assert Counter(smtp.message_ids()) == Counter(
        [
            message_id(last_event(desk, ticket_id, Ticket.Assigned), desk.email_of(agent)),
            message_id(last_event(desk, ticket_id, Ticket.Replied), desk.email_of(customer.id)),
            message_id(last_event(desk, ticket_id, Ticket.Resolved), desk.email_of(customer.id)),
        ]
    )


def test_an_unreachable_smtp_server_holds_up_no_composing(settings: Settings, clock: FakeClock):
    closed_port = f"smtp://127.0.0.1:{free_port()}"
    with opened(replace(settings, smtp_url=closed_port), clock) as services:
        desk = Desk(services, clock)
        support = desk.department("IT Support")
        customer = desk.customer()
        tickets = [desk.open_ticket(customer, support) for _ in range(3)]
        for ticket_id in tickets:
            desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, clock))
        notifier = Runtime(services).notifier()

        desk.notify(notifier)

        assert notifier.pending() == 3
        assert notifier.position() == desk.helpdesk.recorder.max_notification_id()


@pytest.mark.parametrize(
    "subject",
    [
        "=?utf-8?q?Printer_down=0D=0AReply-To:_phish@evil.test=0D=0AX-Injected:_yes?=",
        "=?utf-8?q?Printer_down=0D=0ABcc:_everyone@evil.test?=",
    ],
    ids=["reply-to", "bcc"],
)
def test_encoded_words_in_a_subject_reach_the_agent_as_the_text_the_customer_typed(
    desk: Desk, smtp: MailServer, customer: Actor, subject: str
):
    support = desk.department("Online Banking", AssignMode.ROUND_ROBIN)
    (agent,) = desk.agents(support, 1)
    ticket_id = desk.open_ticket(customer, support, subject=subject)
    desk.assign_new_work()

    notify(desk)

    (mail,) = smtp.received
    assert mail["Subject"] == f"Assigned to you: {number(desk, ticket_id)} {subject}"
    assert not {"reply-to", "x-injected", "bcc"} & {key.lower() for key in mail}
    assert smtp.envelopes == [[desk.email_of(agent)]]


def test_a_subject_with_unicode_line_separators_arrives_on_one_line(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
):
    subject = "Printer down\u2028Bcc: everyone@evil.test\u2029X-Injected: yes"
    ticket_id = desk.open_ticket(customer, support, subject=subject)
    desk.helpdesk.reply(ticket_id, "Which printer?", said(SUPERVISOR, desk.clock))

    notify(desk)

    (mail,) = smtp.received
    assert mail["Subject"] == (
        f"Re: {number(desk, ticket_id)} Printer down Bcc: everyone@evil.test X-Injected: yes"
    )
    assert not {"x-injected", "bcc"} & {key.lower() for key in mail}
    assert smtp.envelopes == [[desk.email_of(customer.id)]]
