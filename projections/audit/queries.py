"""Reads of the audit log: by ticket, actor, type and time, in log order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..pages import decode_cursor, encode_cursor, split_page
from ..registry import NotInstalled
from ..view_store import ViewStore
from .handlers import EVENTS, AuditProjection

COLUMNS = tuple(c for c in EVENTS.columns if c != "digest")
AuditedType = StrEnum(  # type: ignore[misc]
    "AuditedType", {name: name for name in sorted(AuditProjection.type_names())}
)
"""The names of the ticket events the audit log records (`Created`, `Assigned`, ...)."""


@dataclass(frozen=True)
class AuditQuery:
    """One page of the audit log (the API has checked every value); `since` and `until`
    are RFC 3339 times as the log writes them."""

    ticket_id: str | None = None
    actor_id: str | None = None
    type: AuditedType | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 50
    cursor: str | None = None


def page(views: ViewStore, query: AuditQuery) -> tuple[list[dict[str, Any]], str | None]:
    where: list[str] = []
    params: list[Any] = []
    for column, value, op in (
        ("ticket_id", query.ticket_id, "="),
        ("actor_id", query.actor_id, "="),
        ("type", None if query.type is None else str(query.type), "="),
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
