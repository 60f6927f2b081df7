"""The notifier: turns events into mail in an outbox, and sends the outbox by SMTP.

Mail is composed into the outbox in the same transaction that advances the notifier's
position, so no notification is lost or composed twice; sending is at least once, each
message with a Message-ID derived from its event and recipient, without holding up the
composing. Each message is settled on its own (see `send_due`), so no message, however
poisoned, holds back another.
"""

from __future__ import annotations

import logging
import smtplib
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification, PersistenceError

from domain.application import HelpDesk
from domain.ticket import Ticket
from projections.view_store import ViewStore

from . import acknowledgements, mail_thread, outbox, smtp_client
from .follower import WORKER_GENERATION, Behind, LogFollower
from .mail import Mail, compose
from .mail_attachments import BlobSource, carried
from .wire import render

_log = logging.getLogger("ticketing.notifier")

MAX_BACKOFF = timedelta(minutes=5)
SMTP_TIMEOUT = 10.0
STORE_ERRORS = (PersistenceError, sqlite3.Error, psycopg.Error, OSError)
"""Failures of the stores, not of an event: the batch is tried again as a whole."""


class Notifier(LogFollower):
    name = "notifier"
    follows = (
        Ticket.Replied,
        Ticket.Resolved,
        Ticket.Assigned,
        Ticket.SLAWarning,
        Ticket.SLABreached,
        Ticket.MailReceived,
    )

    def __init__(
        self,
        helpdesk: HelpDesk,
        views: ViewStore,
        clock: Callable[[], datetime],
        smtp_url: str | None,
        sender: str = "ticketing@localhost",
        sender_name: str = "",
        blobs: BlobSource | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(helpdesk.recorder, helpdesk.mapper, views, **kwargs)
        self.helpdesk = helpdesk
        self.clock = clock
        self.smtp_url = smtp_url
        self.sender = sender
        self.blobs = blobs
        self.sender_name = sender_name

    def step(self) -> bool:
        """Composes the next batch into the outbox, with the position, in one
        transaction; then tries what is due. True when there was something to do."""
        found = self.batch()
        mails: list[Mail] = []
        not_composed: list[tuple[int, str]] = []
        done = None
        for notification in found:
            if notification.topic in self._topics:
                try:
                    composed = self._compose(notification, mails)
                except Behind:
                    break  # what came before is queued; this event is tried again later
                if isinstance(composed, str):
                    not_composed.append((notification.id, composed))
                else:
                    mails += self._capped(composed, mails)
            done = notification.id
        if done is not None:
            self._queue(mails, not_composed, done)
        return self.send_due() > 0 or done is not None

    def _compose(self, notification: Notification, earlier: list[Mail]) -> list[Mail] | str:
        """The mail an event sends, or why there is none. An event that cannot be read or
        turned into mail (a stored shape no upcaster knows, data no rule of today allows)
        will fail the same way at every try: it is recorded as a failed outbox row, where
        admins see it, rather than stopping every later event's mail. A store failure is
        not the event's: it is raised, and the whole batch is tried again."""
        try:
            event = self.decode(notification)
            mails = compose(self.helpdesk, self.views, notification.id, event, self.sender, earlier)
            return carried(mails, event)
        except (*STORE_ERRORS, Behind):
            raise
        except Exception as e:  # anything else is this one event's, see above
            _log.exception("no mail for %s at %s", notification.topic, notification.id)
            return f"composing {notification.topic} at position {notification.id} failed: {e!r}"

    def _capped(self, composed: list[Mail], queued: list[Mail]) -> list[Mail]:
        """Acknowledgements past the cap (one an hour an address) are not sent."""
        now = self.clock()
        acked = {m.recipient.lower() for m in queued if m.acknowledgement}
        return [
            m
            for m in composed
            if not m.acknowledgement
            or (
                m.recipient.lower() not in acked
                and not acknowledgements.recently(self.views, m.recipient, now)
            )
        ]

    def _queue(
        self, mails: Sequence[Mail], not_composed: Sequence[tuple[int, str]], position: int
    ) -> None:
        with self.views.write() as c:
            outbox.add(c, mails, not_composed, self.clock())
            mail_thread.add(
                c, [(m.message_id, UUID(m.ticket_id), m.recipient, m.position) for m in mails]
            )
            acknowledgements.note(
                c, [m.recipient for m in mails if m.acknowledgement], self.clock()
            )
            c.execute(
                "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, ?)"
                " ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position",
                (self.name, WORKER_GENERATION, position),
            )

    def send_due(self) -> int:
        """Tries each mail whose time has come, and answers how many it tried. A mail that
        cannot be written, or that the server refuses for good (a 5xx reply to MAIL, RCPT
        or DATA), is set aside as failed and never tried again; one refused for now (4xx)
        waits out its own backoff; when the server cannot be reached, or the connection
        drops, every mail not yet settled waits out its backoff."""
        if self.smtp_url is None:
            return 0
        now = self.clock()
        due = outbox.due(self.views, now)
        if not due:
            return 0
        unsettled = list(due)
        try:
            with smtp_client.connect(self.smtp_url, SMTP_TIMEOUT) as smtp:
                while unsettled:
                    self._deliver(smtp, *unsettled[0], now)
                    unsettled.pop(0)
        except (OSError, smtplib.SMTPException) as e:
            _log.warning("SMTP unavailable (%s); retrying later", e)
            for mail, attempts in unsettled:
                self._defer(mail, attempts + 1, now, f"SMTP unavailable: {e!r}")
        return len(due)

    def _deliver(self, smtp: smtplib.SMTP, mail: Mail, attempts: int, now: datetime) -> None:
        """One try of one mail, settled by what the server answered it. Errors of the
        connection itself are left to the caller."""
        tries = attempts + 1
        try:
            raw = render(mail, self.sender, now, self.sender_name, self.blobs)
        except Exception as e:  # rendering is pure: whatever fails is this mail's own
            self._set_aside(mail, tries, f"cannot be written: {e}")
            return
        try:
            smtp.sendmail(self.sender, [mail.recipient], raw)
        except smtplib.SMTPRecipientsRefused as e:
            code, reply = next(iter(e.recipients.values()))
            self._refused(mail, tries, now, code, reply)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            self._refused(mail, tries, now, e.smtp_code, e.smtp_error)
        else:
            outbox.sent(self.views, mail.message_id, tries, now)

    def _refused(
        self, mail: Mail, tries: int, now: datetime, code: int, reply: bytes | str
    ) -> None:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
        reason = f"refused by the server: {code} {text}"
        if code >= 500:
            self._set_aside(mail, tries, reason)
        else:
            self._defer(mail, tries, now, reason)

    def _set_aside(self, mail: Mail, tries: int, reason: str) -> None:
        _log.warning("mail %s set aside: %s", mail.message_id, reason)
        outbox.set_aside(self.views, mail.message_id, tries, reason)

    def _defer(self, mail: Mail, tries: int, now: datetime, reason: str) -> None:
        """The next try waits 2^(tries - 1) seconds, at most MAX_BACKOFF."""
        delay = min(timedelta(seconds=2 ** min(tries - 1, 10)), MAX_BACKOFF)
        outbox.defer(self.views, mail.message_id, tries, now + delay, reason)

    def pending(self) -> int:
        return outbox.counts(self.views)["pending"]
