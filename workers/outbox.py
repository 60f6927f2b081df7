"""The mail outbox: every composed mail, `pending` until it is `sent` or set aside as
`failed` with its reason (it cannot be written, or the server refused it for good).

`failure` holds why a failed mail was set aside, or why a pending one's last try did not
go. A failed mail is never tried again and never counted as due, so it cannot hold back
the mail behind it. The table predates the states: `install` upgrades an existing one
in place (each added column is guarded by a look at the columns present), so `migrate`
can run on any deployment, any number of times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.personal import ERASED
from domain.timefmt import rfc3339
from projections.pages import decode_cursor, encode_cursor, split_page
from projections.sql_session import SqlSession
from projections.view_store import ViewStore

from . import mail_attachments
from .mail import Mail


class MailState(StrEnum):
    """Where a mail is: waiting to go, gone, or set aside for good."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


_TABLE = (
    "CREATE TABLE IF NOT EXISTS mail_outbox ("
    " message_id TEXT PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL,"
    " text_body TEXT NOT NULL, html_body TEXT NOT NULL, position BIGINT NOT NULL,"
    " attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT,"
    " state TEXT NOT NULL DEFAULT 'pending', failure TEXT)"
)
_ADDED = {
    "state": "ALTER TABLE mail_outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'",
    "failure": "ALTER TABLE mail_outbox ADD COLUMN failure TEXT",
    # threading and addressing, from the email channel on
    "ticket_id": "ALTER TABLE mail_outbox ADD COLUMN ticket_id TEXT NOT NULL DEFAULT ''",
    "recipient_name": "ALTER TABLE mail_outbox ADD COLUMN recipient_name TEXT NOT NULL DEFAULT ''",
    "in_reply_to": "ALTER TABLE mail_outbox ADD COLUMN in_reply_to TEXT",
    "refs": "ALTER TABLE mail_outbox ADD COLUMN refs TEXT NOT NULL DEFAULT ''",
    "reply_to": "ALTER TABLE mail_outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT ''",
    "automatic": "ALTER TABLE mail_outbox ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0",
}
_MAIL = (
    "message_id, recipient, subject, text_body, html_body, position, ticket_id,"
    " recipient_name, in_reply_to, refs, reply_to, automatic"
)
_INDEXES = (
    # what is due: the sender's scan
    "CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox (state, next_attempt_at, position)",
    # the admin's listing, by state and unfiltered
    "CREATE INDEX IF NOT EXISTS mail_outbox_state ON mail_outbox (state, position, message_id)",
    "CREATE INDEX IF NOT EXISTS mail_outbox_order ON mail_outbox (position, message_id)",
    # an erasure's: a ticket's mail, and what went to an address
    "CREATE INDEX IF NOT EXISTS mail_outbox_ticket ON mail_outbox (ticket_id)",
    "CREATE INDEX IF NOT EXISTS mail_outbox_recipient ON mail_outbox (recipient)",
)
_FAILURE_MAX = 1000
LISTED = (
    "message_id",
    "recipient",
    "subject",
    "state",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "failure",
    "position",
)


def install(c: SqlSession) -> None:
    """Creates the outbox, or upgrades one from before the states (its sent mail is
    marked sent, the rest stays pending), and its indexes."""
    c.execute(_TABLE)
    c.execute("SELECT * FROM mail_outbox WHERE 1 = 0")
    present = {column[0] for column in c.raw.description}
    for column, statement in _ADDED.items():
        if column not in present:
            c.execute(statement)
    if "state" not in present:
        c.execute("UPDATE mail_outbox SET state = 'sent' WHERE sent_at IS NOT NULL")
    for statement in _INDEXES:
        c.execute(statement)
    mail_attachments.install(c)


def add(
    c: SqlSession, mails: Sequence[Mail], not_composed: Sequence[tuple[int, str]], now: datetime
) -> None:
    """Queues composed mail, and records each event at `position` whose mail could not be
    composed as a failed row with the reason (no recipient is known for it)."""
    at = rfc3339(now)
    c.executemany(
        f"INSERT INTO mail_outbox ({_MAIL}, attempts, next_attempt_at)"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (message_id) DO NOTHING",
        [
            (
                m.message_id,
                m.recipient,
                m.subject,
                m.text,
                m.html,
                m.position,
                m.ticket_id,
                m.recipient_name,
                m.in_reply_to,
                " ".join(m.references),
                m.reply_to,
                int(m.automatic),
                at,
            )
            for m in mails
        ],
    )
    mail_attachments.add(c, mails)
    c.executemany(
        "INSERT INTO mail_outbox (message_id, recipient, subject, text_body, html_body,"
        " position, attempts, next_attempt_at, state, failure)"
        " VALUES (?, '', '', '', '', ?, 0, ?, 'failed', ?) ON CONFLICT (message_id) DO NOTHING",
        [
            (f"<not-composed-{position}@ticketing>", position, at, _short(reason))
            for position, reason in not_composed
        ],
    )


def erase(c: SqlSession, ticket_ids: Sequence[str], address: str) -> None:
    """An erased customer's mail keeps its place in the outbox (what was sent when),
    but none of its text, and what was still pending never goes."""
    marks = ", ".join("?" for _ in ticket_ids) or "NULL"
    c.execute(
        f"UPDATE mail_outbox SET recipient = ?, recipient_name = '', subject = ?,"  # noqa: S608
        " text_body = ?, html_body = ?, in_reply_to = NULL, refs = '', failure ="
        " CASE WHEN state = 'pending' THEN ? ELSE failure END, state ="
        f" CASE WHEN state = 'pending' THEN 'failed' ELSE state END"
        f" WHERE ticket_id IN ({marks}) OR recipient = ?",
        (ERASED, ERASED, ERASED, ERASED, "its customer was erased", *ticket_ids, address),
    )
    mail_attachments.erase(c, ticket_ids)


def due(views: ViewStore, now: datetime, limit: int = 50) -> list[tuple[Mail, int]]:
    """Pending mail whose time has come, with the tries it has had, oldest due first."""
    with views.read() as c:
        rows = c.execute(
            f"SELECT {_MAIL}, attempts"  # noqa: S608
            " FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, position LIMIT ?",
            (rfc3339(now), limit),
        ).fetchall()
    mails = mail_attachments.loaded(views, [_mail(row) for row in rows])
    return [(mail, int(row[12])) for mail, row in zip(mails, rows, strict=True)]


def _mail(row: tuple[Any, ...]) -> Mail:
    refs = str(row[9])
    message_id, recipient, subject, text, html, position = row[:6]
    return Mail(
        message_id=str(message_id),
        recipient=str(recipient),
        subject=str(subject),
        text=str(text),
        html=str(html),
        position=int(position),
        ticket_id=str(row[6]),
        recipient_name=str(row[7]),
        in_reply_to=row[8],
        references=tuple(refs.split()) if refs else (),
        reply_to=str(row[10]),
        automatic=bool(row[11]),
    )


def sent(views: ViewStore, message_id: str, attempts: int, now: datetime) -> None:
    _settle(
        views, message_id, "state = 'sent', sent_at = ?, failure = NULL", attempts, rfc3339(now)
    )


def defer(views: ViewStore, message_id: str, attempts: int, until: datetime, reason: str) -> None:
    """A try failed for now: the mail waits until `until`, with the reason."""
    _settle(
        views,
        message_id,
        "next_attempt_at = ?, failure = ?",
        attempts,
        rfc3339(until),
        _short(reason),
    )


def set_aside(views: ViewStore, message_id: str, attempts: int, reason: str) -> None:
    """The mail can never go: failed, with its reason, and never tried again."""
    _settle(views, message_id, "state = 'failed', failure = ?", attempts, _short(reason))


def counts(views: ViewStore) -> dict[str, int]:
    """How many mails wait and how many were set aside."""
    with views.read() as c:
        rows = c.execute(
            "SELECT state, COUNT(*) FROM mail_outbox WHERE state IN ('pending', 'failed')"
            " GROUP BY state"
        ).fetchall()
    return {"pending": 0, "failed": 0} | {str(state): int(n) for state, n in rows}


@dataclass(frozen=True)
class OutboxQuery:
    """One page of the outbox (the API has checked every value)."""

    state: MailState | None = None
    limit: int = 50
    cursor: str | None = None


def page(views: ViewStore, query: OutboxQuery) -> tuple[list[dict[str, Any]], str | None]:
    """The outbox (of one state) in the order its mail was composed, a page at a time."""
    where: list[str] = []
    params: list[Any] = []
    if query.state is not None:
        where.append("state = ?")
        params.append(str(query.state))
    if query.cursor is not None:
        position, message_id = decode_cursor(query.cursor, (int, str))
        where.append("(position, message_id) > (?, ?)")
        params += [position, message_id]
    with views.read() as c:
        rows = c.execute(
            # columns and conditions are this module's own; every value is a parameter
            f"SELECT {', '.join(LISTED)} FROM mail_outbox"  # noqa: S608
            f"{' WHERE ' + ' AND '.join(where) if where else ''}"
            " ORDER BY position, message_id LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page([dict(zip(LISTED, r, strict=True)) for r in rows], query.limit)
    next_cursor = None if last is None else encode_cursor(last["position"], last["message_id"])
    for item in kept:
        item.pop("position")
        if item["state"] != "pending":
            item["next_attempt_at"] = None
    return kept, next_cursor


def _settle(views: ViewStore, message_id: str, changes: str, attempts: int, *values: Any) -> None:
    with views.write() as c:
        c.execute(
            # `changes` is one of this module's fixed clauses; every value is a parameter
            f"UPDATE mail_outbox SET attempts = ?, {changes} WHERE message_id = ?",  # noqa: S608
            (attempts, *values, message_id),
        )


def _short(reason: str) -> str:
    return reason if len(reason) <= _FAILURE_MAX else reason[: _FAILURE_MAX - 1] + "…"
