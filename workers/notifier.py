"""The notifier: turns events into mail in an outbox, and sends the outbox by SMTP.

Mail is composed into the outbox in the same transaction that advances the notifier's
position, so no notification is lost or composed twice; sending is at least once, each
message with a Message-ID derived from its event and recipient, retried with backoff
while the SMTP server is down, without holding up the composing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from domain.application import HelpDesk
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from projections.view_store import ViewStore

from .follower import WORKER_GENERATION, LogFollower
from .mail import Mail, compose

_log = logging.getLogger("ticketing.notifier")

OUTBOX = (
    "CREATE TABLE IF NOT EXISTS mail_outbox ("
    " message_id TEXT PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL,"
    " text_body TEXT NOT NULL, html_body TEXT NOT NULL, position BIGINT NOT NULL,"
    " attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT)"
)
MAX_BACKOFF = timedelta(minutes=5)


class Notifier(LogFollower):
    name = "notifier"
    follows = (
        Ticket.Replied,
        Ticket.Resolved,
        Ticket.Assigned,
        Ticket.SLAWarning,
        Ticket.SLABreached,
    )

    def __init__(
        self,
        helpdesk: HelpDesk,
        views: ViewStore,
        clock: Callable[[], datetime],
        smtp_url: str | None,
        sender: str = "ticketing@localhost",
        **kwargs: Any,
    ) -> None:
        super().__init__(helpdesk.recorder, helpdesk.mapper, views, **kwargs)
        self.helpdesk = helpdesk
        self.clock = clock
        self.smtp_url = smtp_url
        self.sender = sender

    def step(self) -> bool:
        """Composes the next batch into the outbox, with the position, in one
        transaction; then sends what is due."""
        after = self.position()
        found = self.recorder.select_notifications(after, 200, inclusive_of_start=False)
        if found:
            mails = [
                mail
                for n in found
                if n.topic in self._topics
                for mail in compose(self.helpdesk, n.id, self.mapper.to_domain_event(n))
            ]
            self._queue(mails, found[-1].id)
        self.send_due()
        return bool(found)

    def _queue(self, mails: Sequence[Mail], position: int) -> None:
        now = rfc3339(self.clock())
        with self.views.write() as c:
            c.executemany(
                "INSERT INTO mail_outbox (message_id, recipient, subject, text_body, html_body,"
                " position, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)"
                " ON CONFLICT (message_id) DO NOTHING",
                [
                    (m.message_id, m.recipient, m.subject, m.text, m.html, m.position, now)
                    for m in mails
                ],
            )
            c.execute(
                "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, ?)"
                " ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position",
                (self.name, WORKER_GENERATION, position),
            )

    def send_due(self) -> int:
        """Sends the mail whose time has come; a failure defers it with backoff."""
        if self.smtp_url is None:
            return 0
        now = self.clock()
        with self.views.read() as c:
            due = c.execute(
                "SELECT message_id, recipient, subject, text_body, html_body, attempts"
                " FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= ?"
                " ORDER BY next_attempt_at, position LIMIT 50",
                (rfc3339(now),),
            ).fetchall()
        if not due:
            return 0
        url = urlsplit(self.smtp_url)
        sent = 0
        try:
            with smtplib.SMTP(url.hostname or "127.0.0.1", url.port or 25, timeout=10) as smtp:
                for message_id, recipient, subject, text, html, attempts in due:
                    try:
                        smtp.send_message(self._message(message_id, recipient, subject, text, html))
                    except smtplib.SMTPRecipientsRefused as e:
                        _log.warning("mail %s refused: %s", message_id, e)
                        self._defer(message_id, attempts, now)
                        continue
                    self._mark_sent(message_id, now)
                    sent += 1
        except (OSError, smtplib.SMTPException) as e:
            _log.warning("SMTP unavailable (%s); retrying later", e)
            for message_id, *_, attempts in due:
                self._defer(message_id, attempts, now)
        return sent

    def pending(self) -> int:
        with self.views.read() as c:
            row = c.execute("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL").fetchone()
        return 0 if row is None else int(row[0])

    def _message(
        self, message_id: str, recipient: str, subject: str, text: str, html: str
    ) -> EmailMessage:
        message = EmailMessage()
        message["Message-ID"] = message_id
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def _mark_sent(self, message_id: str, now: datetime) -> None:
        with self.views.write() as c:
            c.execute(
                "UPDATE mail_outbox SET sent_at = ? WHERE message_id = ?",
                (rfc3339(now), message_id),
            )

    def _defer(self, message_id: str, attempts: int, now: datetime) -> None:
        delay = min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)
        with self.views.write() as c:
            c.execute(
                "UPDATE mail_outbox SET attempts = ?, next_attempt_at = ? WHERE message_id = ?",
                (attempts + 1, rfc3339(now + delay), message_id),
            )
