"""Reads of the SLA timers: by state and department, soonest due first; and what the
SLA worker must look at now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.sla import SLAState
from domain.timefmt import rfc3339

from .. import sla_clock
from ..pages import decode_cursor, encode_cursor, split_page
from ..view_store import ViewStore
from ..visibility import agent_clause
from .handlers import TIMERS, TimersProjection

COLUMNS = (
    "ticket_id",
    "department_id",
    "status",
    "plan_id",
    "plan_version",
    "cycle",
    "first_response_due",
    "resolution_due",
    "next_response_due",
    "sla_state",
    "next_alarm",
    "sla_clock",
    "due_sort",
)


@dataclass(frozen=True)
class TimerQuery:
    """One page of the running clocks (the API has checked every value)."""

    sla_state: SLAState | None = None
    department_id: str | None = None
    within_departments: tuple[str, ...] | None = None
    """For agents: only these departments' timers (and their own tickets', and unrouted)."""
    agent_id: str | None = None
    limit: int = 50
    cursor: str | None = None


def page(
    views: ViewStore, query: TimerQuery, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    where, params = ["sla_clock IS NOT NULL"], []
    for column in ("sla_state", "department_id"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(str(value))
    if query.within_departments is not None:
        clause, values = agent_clause(query.within_departments, query.agent_id)
        where.append(clause)
        params += values
    if query.cursor is not None:
        due, ticket_id = decode_cursor(query.cursor, (str, str))
        where.append("(due_sort, ticket_id) > (?, ?)")
        params += [due, ticket_id]
    with views.read() as c:
        table = views.live_table(c, TimersProjection, TIMERS)
        rows = c.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE {' AND '.join(where)}"
            " ORDER BY due_sort, ticket_id LIMIT ?",
            [*params, query.limit + 1],
        ).fetchall()
    kept, last = split_page(rows, query.limit)
    items = [_item(dict(zip(COLUMNS, r, strict=True)), now) for r in kept]
    return items, None if last is None else encode_cursor(last[-1], last[0])


def due_now(views: ViewStore, now: datetime, limit: int = 500) -> list[str]:
    """Tickets whose next warning or breach has come: the SLA worker's to-do list."""
    with views.read() as c:
        table = views.live_table(c, TimersProjection, TIMERS)
        rows = c.execute(
            f"SELECT ticket_id FROM {table} WHERE next_alarm <= ? ORDER BY next_alarm LIMIT ?",
            [rfc3339(now), limit],
        ).fetchall()
    return [str(r[0]) for r in rows]


def _item(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    clock = sla_clock.load(row.pop("sla_clock"))
    row.pop("due_sort")
    row["business_minutes_left"] = sla_clock.minutes_left(clock, now)
    return row
