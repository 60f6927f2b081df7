"""Inbound mail, stored raw before anything reads it: one row per message, keyed by the
SHA-256 of its bytes, so the same bytes delivered twice are one row, and a parser fix
can be replayed over every message ever received.

A row is `stored` until the mail-in worker has turned it into what it is: `done` (a
ticket or a reply), `automated` (recorded, never answered), `duplicate` (its Message-ID
was seen before) or `quarantined` (with the reason). The worker picks `stored` rows in
the order they came; the state moves in the same transaction as the worker's own
tables, so a row is settled exactly once. The bytes are kept in `BYTEA`, which SQLite
stores as the blob it is given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from enum import StrEnum
from typing import Any

from domain.addresses import mailbox
from domain.errors import InvalidInput
from domain.timefmt import rfc3339
from projections.pages import decode_cursor, encode_cursor, split_page
from projections.sql_session import SqlSession
from projections.view_store import ViewStore


class InboundState(StrEnum):
    STORED = "stored"
    DONE = "done"
    AUTOMATED = "automated"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


_TABLES = (
    "CREATE TABLE IF NOT EXISTS mail_inbound ("
    " sha256 TEXT PRIMARY KEY, received_at TEXT NOT NULL, size BIGINT NOT NULL,"
    " raw BYTEA NOT NULL, state TEXT NOT NULL DEFAULT 'stored', reason TEXT,"
    " ticket_id TEXT, settled_at TEXT)",
    # one row per Message-ID (by its digest): the second delivery is a duplicate
    "CREATE TABLE IF NOT EXISTS mail_inbound_ids (message_key TEXT PRIMARY KEY,"
    " sha256 TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS mail_inbound_state ON mail_inbound (state, received_at, sha256)",
)
_REASON_MAX = 1000


def install(c: SqlSession) -> None:
    for statement in _TABLES:
        c.execute(statement)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def store(views: ViewStore, raw: bytes, now: datetime) -> str:
    """Stores the message, durably once this returns (the transaction has committed);
    answers its digest. The same bytes again change nothing."""
    sha = digest(raw)
    with views.durable_write() as c:
        c.execute(
            "INSERT INTO mail_inbound (sha256, received_at, size, raw) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (sha256) DO NOTHING",
            (sha, rfc3339(now), len(raw), raw),
        )
    return sha


def waiting(views: ViewStore, limit: int = 20) -> list[tuple[str, bytes]]:
    """The oldest messages not yet settled, with their bytes."""
    with views.read() as c:
        rows = c.execute(
            "SELECT sha256, raw FROM mail_inbound WHERE state = 'stored'"
            " ORDER BY received_at, sha256 LIMIT ?",
            (limit,),
        ).fetchall()
    return [(str(sha), bytes(raw)) for sha, raw in rows]


def claim_message_id(c: SqlSession, message_key: str, sha: str) -> bool:
    """Whether this message is the first with its Message-ID (the claim is the
    caller's transaction's: it holds only if the message is settled with it)."""
    c.execute(
        "INSERT INTO mail_inbound_ids (message_key, sha256) VALUES (?, ?)"
        " ON CONFLICT (message_key) DO NOTHING",
        (message_key, sha),
    )
    row = c.execute(
        "SELECT sha256 FROM mail_inbound_ids WHERE message_key = ?", (message_key,)
    ).fetchone()
    return row is not None and row[0] == sha


def settle(
    c: SqlSession,
    sha: str,
    state: InboundState,
    now: datetime,
    reason: str | None = None,
    ticket_id: str | None = None,
) -> None:
    if reason is not None and len(reason) > _REASON_MAX:
        reason = reason[: _REASON_MAX - 1] + "…"
    c.execute(
        "UPDATE mail_inbound SET state = ?, reason = ?, ticket_id = ?, settled_at = ?"
        " WHERE sha256 = ?",
        (str(state), reason, ticket_id, rfc3339(now), sha),
    )


@dataclass(frozen=True)
class QuarantineQuery:
    limit: int = 50
    cursor: str | None = None


LISTED = ("sha256", "received_at", "size", "reason")


def quarantine(views: ViewStore, query: QuarantineQuery) -> tuple[list[dict[str, Any]], str | None]:
    """Quarantined messages, oldest first, a keyset page at a time."""
    where, params = "state = 'quarantined'", []
    if query.cursor is not None:
        received_at, sha = decode_cursor(query.cursor, (str, str))
        where += " AND (received_at, sha256) > (?, ?)"
        params = [received_at, sha]
    with views.read() as c:
        rows = c.execute(
            # the columns and condition are this module's own; every value is a parameter
            f"SELECT {', '.join(LISTED)} FROM mail_inbound WHERE {where}"  # noqa: S608
            " ORDER BY received_at, sha256 LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page([dict(zip(LISTED, r, strict=True)) for r in rows], query.limit)
    cursor = None if last is None else encode_cursor(last["received_at"], last["sha256"])
    return kept, cursor


def raw_of(views: ViewStore, sha: str, state: InboundState | None = None) -> bytes | None:
    with views.read() as c:
        row = c.execute("SELECT raw, state FROM mail_inbound WHERE sha256 = ?", (sha,)).fetchone()
    if row is None or (state is not None and row[1] != str(state)):
        return None
    return bytes(row[0])


def forget(c: SqlSession, shas: Sequence[str], address: str) -> None:
    """An erased customer's raw mail: the messages their tickets were made of, and any
    quarantined one from their address. The row stays, empty, so that the same message
    delivered again is still known as a duplicate rather than taken in anew."""
    quarantined = c.execute(
        "SELECT sha256, raw FROM mail_inbound WHERE state = 'quarantined'"
    ).fetchall()
    key = _key(address)  # None once the address itself reads [erased]: nothing matches
    sent_by_them = [
        str(sha) for sha, raw in quarantined if key is not None and _sender_key(raw) == key
    ]
    c.executemany(
        "UPDATE mail_inbound SET raw = ?, reason = ? WHERE sha256 = ?",
        [(b"", "its sender was erased", sha) for sha in dict.fromkeys([*shas, *sent_by_them])],
    )


def _sender_key(raw: bytes) -> str | None:
    sender = BytesHeaderParser(policy=policy.default).parsebytes(bytes(raw)).get("From", "")
    _, address = parseaddr(str(sender))
    return _key(address)


def _key(address: str) -> str | None:
    try:
        return mailbox(address).key
    except InvalidInput:
        return None


def states(views: ViewStore) -> dict[str, str]:
    """Every message's state, by digest (for tests and the demo)."""
    with views.read() as c:
        rows = c.execute("SELECT sha256, state FROM mail_inbound").fetchall()
    return {str(sha): str(state) for sha, state in rows}
