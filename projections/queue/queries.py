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

from .. import sla_clock, words
from ..base import Projection
from ..keyset import Condition, Order, any_of, equal, page_sql
from ..pages import decode_cursor, encode_cursor, split_page
from ..sql_session import SqlSession
from ..view_store import ViewStore
from ..visibility import agent_alternatives, agent_clause
from .handlers import PRIORITY_RANK, TICKETS, WORDS, QueueProjection
from .history import CURRENT, SPANS, QueueHistoryProjection


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
    that instant, with the SLA minutes left counted at it, and each ticket's subject from
    its current row: spans hold none, `history`)."""
    column, direction, kind = SORTS[query.sort]
    order = Order(column, descending=direction == "DESC")
    alternatives, common = _filters(query)
    projection: type[Projection] = QueueProjection
    source = TICKETS
    if as_of is not None:
        projection, source, now = QueueHistoryProjection, SPANS, as_of
        at = rfc3339(as_of)
        common += [("until_at > ?", [at]), ("since_at <= ?", [at])]
    if query.cursor is not None:
        common.append(order.after(*decode_cursor(query.cursor, (kind, str))))
    columns = [c for c in ITEM_COLUMNS if c in source.columns]
    selected = list(dict.fromkeys((*columns, column)))
    with views.read() as c:
        table = views.live_table(c, projection, source)
        sql, params = page_sql(table, selected, alternatives, common, order, query.limit + 1)
        rows = c.execute(sql, params).fetchall()
        kept, last = split_page(rows, query.limit)
        found = [dict(zip(columns, r, strict=False)) for r in kept]
        if as_of is not None:
            found = _with_subjects(c, views.live_table(c, projection, CURRENT), found)
    items = [_item({k: row[k] for k in ITEM_COLUMNS}, now) for row in found]
    if last is None:
        return items, None
    return items, encode_cursor(last[selected.index(column)], last[0])


def _with_subjects(c: SqlSession, current: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans with their tickets' subjects, by key from the current rows (a subject
    changes only by erasure, which every span must show)."""
    if not rows:
        return rows
    ids = [row["ticket_id"] for row in rows]
    found = c.execute(
        f"SELECT ticket_id, subject FROM {current}"
        f" WHERE ticket_id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    subjects = {str(r[0]): str(r[1]) for r in found}
    return [{**row, "subject": subjects[row["ticket_id"]]} for row in rows]


def _filters(query: QueueQuery) -> tuple[list[list[Condition]], list[Condition]]:
    """The alternatives (each status) and the conditions every row meets: the department
    and assignee lead an index; priority and SLA state are checked on the rows read."""
    common: list[Condition] = []
    if query.department_id is not None:
        common.append(equal("department_id", query.department_id))
    if query.assignee is not None:
        common.append(equal("assignee_id", _assignee(query.assignee)))
    if query.priority is not None:
        common.append(equal("priority_rank", PRIORITY_RANK[query.priority]))
    if query.sla_state is not None:
        common.append(equal("sla_state", str(query.sla_state)))
    return [any_of("status", [str(s) for s in query.statuses])], common


def _assignee(value: str) -> str | None:
    return None if value == "unassigned" else value


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
    """Newest first. Without text, one branch per status (and per visibility rule for an
    agent), each a range of an index led by the filter. With text, the tickets whose
    number is the text, or whose words hold every term: found in the text index, then
    ordered (a cost that follows the matches, not the tickets)."""
    order = Order("created_at", descending=True)
    common: list[Condition] = [
        equal(column, value)
        for column, value in (
            ("department_id", query.department_id),
            ("assignee_id", query.assignee_id),
            ("customer_id", query.customer_id),
        )
        if value is not None
    ]
    if query.cursor is not None:
        common.append(order.after(*decode_cursor(query.cursor, (str, str))))
    with views.read() as c:
        table = views.live_table(c, QueueProjection, TICKETS)
        if query.text is None:
            either = [any_of("status", [str(s) for s in query.statuses])]
            if query.within_departments is not None:
                either.append(agent_alternatives(query.within_departments, query.agent_id))
        else:
            either = [_text_matches(c, views, query.text)]
            common.append(_in("status", [str(s) for s in query.statuses]))
            if query.within_departments is not None:
                common.append(agent_clause(query.within_departments, query.agent_id))
        mixed, limit = query.within_departments is not None, query.limit + 1
        sql, params = page_sql(table, ITEM_COLUMNS, either, common, order, limit, distinct=mixed)
        rows = c.execute(sql, params).fetchall()
    kept, last = split_page(rows, query.limit)
    items = [_item(dict(zip(ITEM_COLUMNS, r, strict=True)), now) for r in kept]
    if last is None:
        return items, None
    return items, encode_cursor(items[-1]["created_at"], items[-1]["ticket_id"])


def _text_matches(c: SqlSession, views: ViewStore, text: str) -> list[Condition]:
    """The exact number, or (for other tickets) every term in the words (`words.terms`)."""
    found = [equal("number", text)]
    terms = words.terms(text)
    if terms:
        table = views.live_table(c, QueueProjection, WORDS)
        found.append(
            (
                f"number <> ? AND ticket_id IN (SELECT ticket_id FROM {table}"
                f" WHERE {c.text_match(table, WORDS.text or '')})",
                [text, c.text_query(terms)],
            )
        )
    return found


def _in(column: str, values: list[str]) -> Condition:
    return f"{column} IN ({', '.join('?' * len(values))})", values
