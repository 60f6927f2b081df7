"""Reads of the SLA timers: by state and department, soonest due first; and what the
SLA worker must look at now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.sla import SLAState
from domain.timefmt import rfc3339

from .. import sla_clock
from ..keyset import Condition, Order, any_of, equal, page_sql
from ..pages import decode_cursor, encode_cursor, split_page
from ..view_store import ViewStore
from ..visibility import agent_alternatives
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


RUNNING = tuple(str(s) for s in SLAState if s is not SLAState.NONE)
"""The states of a ticket with a clock (`SLAState.NONE` is exactly a ticket without)."""


def page(
    views: ViewStore, query: TimerQuery, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """Soonest due first: one branch per SLA state (and per visibility rule for an agent),
    each a range of an index led by department or assignee and state (`keyset`)."""
    if query.sla_state is SLAState.NONE:
        return [], None
    order = Order("due_sort")
    states = RUNNING if query.sla_state is None else (str(query.sla_state),)
    alternatives = [any_of("sla_state", states)]
    common: list[Condition] = []
    if query.department_id is not None:
        common.append(equal("department_id", query.department_id))
    if query.within_departments is not None:
        alternatives.append(agent_alternatives(query.within_departments, query.agent_id))
    if query.cursor is not None:
        common.append(order.after(*decode_cursor(query.cursor, (str, str))))
    with views.read() as c:
        table = views.live_table(c, TimersProjection, TIMERS)
        mixed, limit = query.within_departments is not None, query.limit + 1
        sql, params = page_sql(table, COLUMNS, alternatives, common, order, limit, distinct=mixed)
        rows = c.execute(sql, params).fetchall()
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
