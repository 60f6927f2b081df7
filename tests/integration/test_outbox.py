"""Mail that cannot go, on each real store through a real SMTP server on loopback: a
message that cannot be written, or that the server refuses for good (5xx), is set aside
as failed with its reason and never tried again; one refused for now (4xx) waits out its
own backoff; neither holds back any other mail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.timefmt import rfc3339
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.views import open_views
from workers.notifier import MAX_BACKOFF
from workers.outbox import OutboxQuery, page

from ..api.store_surgery import Store
from ..conftest import FakeClock
from .worker_helpers import SUPERVISOR, Desk, MailServer, drain, opened, said, text_of

UNWRITABLE = "=?utf-8?q?victim=0D=0A?=@example.com"
"""An address that once made composing raise and jammed every later mail."""


def outbox(desk: Desk, state: str) -> list[dict[str, Any]]:
    items, _ = page(desk.services.views, OutboxQuery(state=state, limit=200))
    return items


def replied(desk: Desk, customer_email: str | None, support: UUID, text: str) -> str:
    """A supervisor's reply to a new ticket of a new customer (with a legacy address
    when one is given): one mail. Answers the customer's address."""
    customer = desk.customer() if customer_email is None else desk.legacy_customer(customer_email)
    ticket_id = desk.open_ticket(customer, support)
    desk.helpdesk.reply(ticket_id, text, said(SUPERVISOR, desk.clock))
    return desk.email_of(customer.id)


def later(desk: Desk) -> None:
    """Long past any backoff, the notifier tries everything that is due again."""
    desk.clock.advance(seconds=MAX_BACKOFF.total_seconds() + 1)
    desk.notify()


def test_a_message_that_cannot_be_written_among_100_good_ones_holds_none_of_them_back(
    desk: Desk, smtp: MailServer, support: UUID
):
    # The mail that cannot be written is composed first, at the head of the outbox.
    replied(desk, UNWRITABLE, support, "Which browser?")
    customer = desk.customer()
    ticket_id = desk.open_ticket(customer, support)
    for n in range(100):
        desk.helpdesk.reply(ticket_id, f"Reply {n}", said(SUPERVISOR, desk.clock))

    desk.notify()
    later(desk)

    good = smtp.to(desk.email_of(customer.id))
    assert sorted(text_of(m).split("\n")[0] for m in good) == sorted(
        f"Reply {n}" for n in range(100)
    )
    (failed,) = outbox(desk, "failed")
    assert failed["recipient"] == UNWRITABLE
    assert failed["attempts"] == 1
    assert "not one plain address" in failed["failure"]
    assert failed["sent_at"] is None
    assert failed["next_attempt_at"] is None
    assert outbox(desk, "pending") == []
    assert len(outbox(desk, "sent")) == 100
    assert smtp.rcpts[UNWRITABLE] == 0


@pytest.mark.parametrize(
    "address",
    [
        "victim@example.com,attacker@evil.test",
        "v3@example.com>,<attacker3@evil.test",
        "=?utf-8?q?victim@example.com=2C_attacker@evil.test?=",
        "Victim <victim@example.com>",
    ],
)
def test_an_address_that_is_not_one_addr_spec_gets_no_mail_at_all(
    desk: Desk, smtp: MailServer, support: UUID, address: str
):
    replied(desk, address, support, "Which browser?")

    desk.notify()

    assert smtp.received == []
    assert sum(smtp.rcpts.values()) == 0
    (failed,) = outbox(desk, "failed")
    assert failed["recipient"] == address


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("rcpt", "550 5.1.1 No such mailbox"),
        ("data", "554 5.7.1 Message refused as spam"),
    ],
)
def test_a_message_the_server_refuses_for_good_is_set_aside_and_never_tried_again(
    desk: Desk, smtp: MailServer, support: UUID, stage: str, reply: str
):
    refused = replied(desk, None, support, "Which browser?")
    accepted = replied(desk, None, support, "Please clear the cache.")
    script = smtp.rcpt_replies if stage == "rcpt" else smtp.data_replies
    script[refused] = [reply] * 5

    desk.notify()
    later(desk)

    assert [text_of(m).split("\n")[0] for m in smtp.to(accepted)] == ["Please clear the cache."]
    assert smtp.envelopes == [[accepted]]
    (failed,) = outbox(desk, "failed")
    assert failed["recipient"] == refused
    assert failed["attempts"] == 1
    assert reply.split()[0] in failed["failure"]
    assert smtp.rcpts[refused] == 1
    assert outbox(desk, "pending") == []


def test_a_message_refused_for_now_waits_out_its_own_backoff_and_then_goes_once(
    desk: Desk, smtp: MailServer, support: UUID
):
    deferred = replied(desk, None, support, "Which browser?")
    accepted = replied(desk, None, support, "Please clear the cache.")
    smtp.rcpt_replies[deferred] = ["451 4.3.0 Mailbox busy, try again later"]
    notifier = Runtime(desk.services).notifier()

    desk.notify(notifier)

    # The other mail went; this one waits a second before its next try.
    assert smtp.envelopes == [[accepted]]
    (waiting,) = outbox(desk, "pending")
    assert waiting["recipient"] == deferred
    assert waiting["attempts"] == 1
    assert "451" in waiting["failure"]
    assert waiting["next_attempt_at"] == rfc3339(desk.clock() + timedelta(seconds=1))
    # Not before its time comes.
    notifier.send_due()
    assert smtp.rcpts[deferred] == 1
    desk.clock.advance(seconds=1)
    notifier.send_due()
    later(desk)

    assert smtp.envelopes == [[accepted], [deferred]]
    assert smtp.rcpts[deferred] == 2
    (sent,) = [m for m in outbox(desk, "sent") if m["recipient"] == deferred]
    assert sent["attempts"] == 2
    assert sent["failure"] is None


def test_an_event_that_cannot_be_read_is_set_aside_and_the_mail_after_it_still_goes(
    desk: Desk, smtp: MailServer, support: UUID, settings: Settings
):
    customer = desk.customer()
    broken = desk.open_ticket(customer, support)
    desk.helpdesk.reply(broken, "Which browser?", said(SUPERVISOR, desk.clock))
    # The stored reply is changed behind the application's back: it no longer decodes.
    Store(settings, str(broken)).set_field(2, "body", 7)
    fine = desk.open_ticket(customer, support)
    desk.helpdesk.reply(fine, "Please clear the cache.", said(SUPERVISOR, desk.clock))
    notifier = Runtime(desk.services).notifier()

    # No read model can get past the broken event; reply mail needs none of them.
    drain(notifier.step)

    assert [text_of(m).split("\n")[0] for m in smtp.received] == ["Please clear the cache."]
    (failed,) = outbox(desk, "failed")
    assert "Ticket.Replied" in failed["failure"]
    assert failed["attempts"] == 0
    assert notifier.position() == desk.helpdesk.recorder.max_notification_id()


OLD_OUTBOX = (
    "CREATE TABLE mail_outbox ("
    " message_id TEXT PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL,"
    " text_body TEXT NOT NULL, html_body TEXT NOT NULL, position BIGINT NOT NULL,"
    " attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT)"
)
"""The outbox as deployments before failed mail was kept have it."""


def test_migrate_upgrades_an_outbox_from_before_failed_mail_was_kept(
    settings: Settings, clock: FakeClock, smtp: MailServer
):
    views = open_views(settings)
    try:
        with views.write() as c:
            c.execute(OLD_OUTBOX)
            c.executemany(
                "INSERT INTO mail_outbox VALUES (?, ?, 'Hi', 'Hi', '<p>Hi</p>', ?, ?, ?, ?)",
                [
                    ("<sent@ticketing>", "sent@example.com", 1, 1, "2026-03-01T09:00:00Z", "x"),
                    ("<due@ticketing>", "due@example.com", 2, 3, "2026-03-01T09:00:00Z", None),
                    ("<bad@ticketing>", UNWRITABLE, 3, 7, "2026-03-01T09:00:00Z", None),
                ],
            )
    finally:
        views.close()

    migrate(settings)
    migrate(settings)
    with opened(replace(settings, smtp_url=smtp.url), clock) as services:
        desk = Desk(services, clock)
        assert [m["message_id"] for m in outbox(desk, "pending")] == [
            "<due@ticketing>",
            "<bad@ticketing>",
        ]
        Runtime(services).notifier().send_due()

        assert smtp.message_ids() == ["<due@ticketing>"]
        assert [m["message_id"] for m in outbox(desk, "sent")] == [
            "<sent@ticketing>",
            "<due@ticketing>",
        ]
        assert [m["message_id"] for m in outbox(desk, "failed")] == ["<bad@ticketing>"]
