"""Reads of the queue: mine and by department, filtered, sorted, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.lifecycle import ACTIVE
from domain.sla import SLAState
from domain.timefmt import rfc3339
from domain.values import Priority, Status

from .. import sla_clock
from ..base import Projection
from ..pages import decode_cursor, encode_cursor, split_page
from ..view_store import ViewStore
from ..visibility import agent_clause
from .handlers import TICKETS, QueueProjection
from .history import SPANS, QueueHistoryProjection


class QueueSort(StrEnum):
    """The orders a queue can be read in."""

    DUE = "due"
    PRIORITY = "priority"
    CREATED = "created"
    ACTIVITY = "activity"


SORTS: dict[QueueSort, tuple[str, str, type]] = {
    QueueSort.DUE: ("due_sort", "ASC", str),
    QueueSort.PRIORITY: ("priority_rank", "ASC", int),
    QueueSort.CREATED: ("created_at", "ASC", str),
    QueueSort.ACTIVITY: ("last_activity_at", "DESC", str),
}
"""Sort → (column, direction, type of its cursor value); ties broken by ticket id."""

ACTIVE_STATUSES = tuple(sorted(ACTIVE))
"""The active statuses, in a fixed order (a query's default)."""
ITEM_COLUMNS = (
    "ticket_id",
    "number",
    "subject",
    "status",
    "priority",
    "department_id",
    "assignee_id",
    "customer_id",
    "created_at",
    "last_activity_at",
    "first_response_due",
    "resolution_due",
    "next_response_due",
    "sla_state",
    "sla_clock",
)


@dataclass(frozen=True)
class QueueQuery:
    """One page of a queue (the API has checked every value)."""

    department_id: str | None = None
    assignee: str | None = None
    """`unassigned`, or an agent's id."""
    statuses: tuple[Status, ...] = ACTIVE_STATUSES
    priority: Priority | None = None
    sla_state: SLAState | None = None
    sort: QueueSort = QueueSort.DUE
    limit: int = 50
    cursor: str | None = None


def page(
    views: ViewStore, query: QueueQuery, now: datetime, as_of: datetime | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the queue now, or as it was at `as_of` (from the rows whose span holds
    that instant, with the SLA minutes left counted at it)."""
    column, direction, kind = SORTS[query.sort]
    where, params = _filters(query)
    projection: type[Projection] = QueueProjection
    source = TICKETS
    if as_of is not None:
        projection, source, now = QueueHistoryProjection, SPANS, as_of
        where += ["until_at > ?", "since_at <= ?"]
        params += [rfc3339(as_of)] * 2
    if query.cursor is not None:
        value, ticket_id = decode_cursor(query.cursor, (kind, str))
        where.append(f"({column}, ticket_id) {'>' if direction == 'ASC' else '<'} (?, ?)")
        params += [value, ticket_id]
    columns = ", ".join((*ITEM_COLUMNS, column))
    with views.read() as c:
        table = views.live_table(c, projection, source)
        rows = c.execute(
            f"SELECT {columns} FROM {table} WHERE {' AND '.join(where) or 'TRUE'}"
            f" ORDER BY {column} {direction}, ticket_id {direction} LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page(rows, query.limit)
    items = [_item(dict(zip(ITEM_COLUMNS, r, strict=False)), now) for r in kept]
    return items, None if last is None else encode_cursor(last[-1], last[0])


def _filters(query: QueueQuery) -> tuple[list[str], list[Any]]:
    where = [f"status IN ({', '.join('?' * len(query.statuses))})"]
    params: list[Any] = [str(s) for s in query.statuses]
    if query.department_id is not None:
        where.append("department_id = ?")
        params.append(query.department_id)
    if query.assignee == "unassigned":
        where.append("assignee_id IS NULL")
    elif query.assignee is not None:
        where.append("assignee_id = ?")
        params.append(query.assignee)
    for column in ("priority", "sla_state"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(str(value))
    return where, params


def _item(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    clock = sla_clock.load(row.pop("sla_clock"))
    row["business_minutes_left"] = sla_clock.minutes_left(clock, now)
    row["next_due"] = sla_clock.next_due(clock)
    return row


def open_counts(views: ViewStore, agent_ids: list[str]) -> dict[str, int]:
    """How many open tickets each agent has (the least-loaded assigner's measure)."""
    if not agent_ids:
        return {}
    with views.read() as c:
        table = views.live_table(c, QueueProjection, TICKETS)
        rows = c.execute(
            f"SELECT assignee_id, COUNT(*) FROM {table}"
            f" WHERE status IN ({', '.join('?' * len(ACTIVE))})"
            f" AND assignee_id IN ({', '.join('?' * len(agent_ids))}) GROUP BY assignee_id",
            [*map(str, ACTIVE_STATUSES), *agent_ids],
        ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def resolved_before(views: ViewStore, cutoff: datetime) -> list[tuple[str, str | None, str]]:
    """Resolved tickets resolved before a moment: (ticket, department, resolved at)."""
    with views.read() as c:
        table = views.live_table(c, QueueProjection, TICKETS)
        rows = c.execute(
            f"SELECT ticket_id, department_id, resolved_at FROM {table}"
            " WHERE status = 'resolved' AND resolved_at <= ? ORDER BY resolved_at",
            [rfc3339(cutoff)],
        ).fetchall()
    return [(str(r[0]), None if r[1] is None else str(r[1]), str(r[2])) for r in rows]


@dataclass(frozen=True)
class TicketSearch:
    """Staff search over every ticket, newest first (the API has checked every value)."""

    statuses: tuple[Status, ...] = tuple(Status)
    department_id: str | None = None
    assignee_id: str | None = None
    customer_id: str | None = None
    text: str | None = None
    within_departments: tuple[str, ...] | None = None
    """For agents: only these departments' tickets (and their own, and unrouted ones)."""
    agent_id: str | None = None
    limit: int = 50
    cursor: str | None = None


def search(
    views: ViewStore, query: TicketSearch, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    where = [f"status IN ({', '.join('?' * len(query.statuses))})"]
    params: list[Any] = [str(s) for s in query.statuses]
    for column, value in (
        ("department_id", query.department_id),
        ("assignee_id", query.assignee_id),
        ("customer_id", query.customer_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if query.text is not None:
        escaped = query.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(LOWER(subject) LIKE ? ESCAPE '\\' OR number = ?)")
        params += [f"%{escaped}%", query.text]
    if query.within_departments is not None:
        clause, values = agent_clause(query.within_departments, query.agent_id)
        where.append(clause)
        params += values
    if query.cursor is not None:
        created, ticket_id = decode_cursor(query.cursor, (str, str))
        where.append("(created_at, ticket_id) < (?, ?)")
        params += [created, ticket_id]
    with views.read() as c:
        table = views.live_table(c, QueueProjection, TICKETS)
        rows = c.execute(
            f"SELECT {', '.join(ITEM_COLUMNS)} FROM {table} WHERE {' AND '.join(where)}"
            " ORDER BY created_at DESC, ticket_id DESC LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page(rows, query.limit)
    items = [_item(dict(zip(ITEM_COLUMNS, r, strict=True)), now) for r in kept]
    if last is None:
        return items, None
    return items, encode_cursor(items[-1]["created_at"], items[-1]["ticket_id"])
