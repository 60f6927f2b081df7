"""Reads of the audit log: by ticket, actor, type and time, in log order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidInput

from ..pages import decode_cursor, encode_cursor, split_page
from ..registry import NotInstalled
from ..view_store import ViewStore
from .handlers import EVENTS, AuditProjection

COLUMNS = tuple(c for c in EVENTS.columns if c != "digest")


@dataclass(frozen=True)
class AuditQuery:
    ticket_id: str | None = None
    actor_id: str | None = None
    type: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 50
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 200:
            raise InvalidInput("limit", "limit must be from 1 to 200")
        if self.type is not None and self.type not in AuditProjection.type_names():
            raise InvalidInput("type", f"unknown event type {self.type!r}")


def page(views: ViewStore, query: AuditQuery) -> tuple[list[dict[str, Any]], str | None]:
    where: list[str] = []
    params: list[Any] = []
    for column, value, op in (
        ("ticket_id", query.ticket_id, "="),
        ("actor_id", query.actor_id, "="),
        ("type", query.type, "="),
        ("occurred_at", query.since, ">="),
        ("occurred_at", query.until, "<="),
    ):
        if value is not None:
            where.append(f"{column} {op} ?")
            params.append(value)
    if query.cursor is not None:
        (after,) = decode_cursor(query.cursor, (int,))
        where.append("position > ?")
        params.append(after)
    with views.read() as c:
        table = views.live_table(c, AuditProjection, EVENTS)
        rows = c.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE {' AND '.join(where) or 'TRUE'}"
            " ORDER BY position LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page(rows, query.limit)
    items = [dict(zip(COLUMNS, r, strict=True)) for r in kept]
    return items, None if last is None else encode_cursor(items[-1]["position"])


def digest_at(views: ViewStore, position: int) -> str | None:
    """The digest the audit log recorded for the event at a position, when it first saw
    it: the witness for a ticket's newest event."""
    try:
        with views.read() as c:
            table = views.live_table(c, AuditProjection, EVENTS)
            row = c.execute(f"SELECT digest FROM {table} WHERE position = ?", [position]).fetchone()
    except NotInstalled:
        return None
    return None if row is None else str(row[0])
