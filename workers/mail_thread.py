"""Every Message-ID the desk sent or received for a ticket: what threads an answer onto
its ticket (In-Reply-To, References), and what the desk's next mail refers to.

Rows are keyed by the SHA-256 of the Message-ID, not the id itself: a hostile id of
10,000 characters must not break an index (PostgreSQL's B-tree refuses entries over
about 2.7 kB). `seq` is the log position of the event the mail belongs to, so a
ticket's thread reads in the order it happened. The notifier writes the ids it sends in
the transaction that queues them; the mail-in worker the ids it receives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from uuid import UUID

from domain.personal import ERASED
from projections.sql_session import SqlSession
from projections.view_store import ViewStore

from . import headers

_TABLE = (
    "CREATE TABLE IF NOT EXISTS mail_thread ("
    " message_key TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, message_id TEXT,"
    " recipient TEXT NOT NULL, seq BIGINT NOT NULL)"
)
_INDEX = "CREATE INDEX IF NOT EXISTS mail_thread_ticket ON mail_thread (ticket_id, recipient, seq)"
LOOKED_UP = 200
"""The most ids of one message looked up: In-Reply-To and the newest References (a
References header of 5,000 ids costs no more than one of 200)."""
THREAD_MAX = 20
"""How many earlier ids the desk's mail names in References."""


_BY_RECIPIENT = "CREATE INDEX IF NOT EXISTS mail_thread_recipient ON mail_thread (recipient)"
"""An erasure's: what went to an address."""


def install(c: SqlSession) -> None:
    c.execute(_TABLE)
    c.execute(_INDEX)
    c.execute(_BY_RECIPIENT)


def key(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode("utf-8", "surrogateescape")).hexdigest()


WRITABLE_MAX = 250
"""The longest id written back into References: 20 of them stay far below a line's
998 characters, and real ids are under 100."""


def writable(message_id: str | None) -> str | None:
    """The id when the desk may write it back into a header, else None."""
    if message_id is None or len(message_id.strip()) > WRITABLE_MAX:
        return None
    try:
        return headers.msg_id(message_id.strip())
    except headers.UnsafeHeader:
        return None


def add(c: SqlSession, rows: Sequence[tuple[str, UUID, str, int]]) -> None:
    """Records (message id, ticket, recipient, log position) rows, the recipient being
    '' for mail the desk received; an id seen before keeps its ticket."""
    c.executemany(
        "INSERT INTO mail_thread (message_key, ticket_id, message_id, recipient, seq)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_key) DO NOTHING",
        [(key(m), str(t), writable(m), r.lower(), seq) for m, t, r, seq in rows],
    )


def ticket_for(views: ViewStore, message_ids: Sequence[str]) -> UUID | None:
    """The ticket the newest of these ids belongs to, or None."""
    keys = list(dict.fromkeys(key(m) for m in message_ids[-LOOKED_UP:]))
    if not keys:
        return None
    with views.read() as c:
        row = c.execute(
            # one placeholder per key; every value is a parameter
            f"SELECT ticket_id FROM mail_thread WHERE message_key IN ({', '.join('?' * len(keys))})"  # noqa: S608
            " ORDER BY seq DESC LIMIT 1",
            keys,
        ).fetchone()
    return None if row is None else UUID(str(row[0]))


def thread(views: ViewStore, ticket_id: UUID, recipient: str, before: int) -> list[str]:
    """The writable ids of what the ticket received and sent to `recipient` before log
    position `before`, oldest first: the mail that recipient's client has seen."""
    with views.read() as c:
        rows = c.execute(
            "SELECT message_id FROM mail_thread WHERE ticket_id = ? AND recipient IN ('', ?)"
            " AND seq < ? AND message_id IS NOT NULL ORDER BY seq DESC LIMIT ?",
            (str(ticket_id), recipient.lower(), before, THREAD_MAX),
        ).fetchall()
    return [str(r[0]) for r in reversed(rows)]


def erase(c: SqlSession, ticket_ids: Sequence[str], address: str) -> None:
    """An erased customer's threads: their address, and the Message-IDs (which may hold
    it) of their tickets' mail; the keys, digests, still thread a late reply."""
    marks = ", ".join("?" for _ in ticket_ids) or "NULL"
    c.execute(
        f"UPDATE mail_thread SET recipient = ?, message_id = NULL"  # noqa: S608
        f" WHERE ticket_id IN ({marks}) OR recipient = ?",
        (ERASED, *ticket_ids, address.lower()),
    )
