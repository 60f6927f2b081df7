"""Reads of the daily reports, with exact percentiles computed from the kept durations."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..registry import NotInstalled
from ..view_store import ViewStore
from .handlers import COUNTS, DAILY, DURATIONS, TICKETS, ReportGroup, ReportsProjection

FIELDS = (
    "day",
    "group_id",
    *COUNTS,
    "first_response_minutes_p50",
    "first_response_minutes_p90",
    "resolution_minutes_p50",
    "resolution_minutes_p90",
    "first_response_wall_minutes_p50",
    "first_response_wall_minutes_p90",
    "resolution_wall_minutes_p50",
    "resolution_wall_minutes_p90",
    "csat_avg",
)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: an actual observed duration, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def daily(
    views: ViewStore, since: date, until: date, group_by: ReportGroup
) -> list[dict[str, Any]]:
    span = [since.isoformat(), until.isoformat()]
    counted = [*COUNTS, "csat_sum", "csat_count"]
    with views.read() as c:
        daily_table = views.live_table(c, ReportsProjection, DAILY)
        durations_table = views.live_table(c, ReportsProjection, DURATIONS)
        counts = c.execute(
            f"SELECT day, group_id, {', '.join(counted)} FROM {daily_table}"
            " WHERE group_kind = ? AND day >= ? AND day <= ? ORDER BY day, group_id",
            [str(group_by), *span],
        ).fetchall()
        spans = c.execute(
            f"SELECT day, group_id, metric, business_minutes, wall_minutes FROM {durations_table}"
            " WHERE group_kind = ? AND day >= ? AND day <= ?",
            [str(group_by), *span],
        ).fetchall()
    kept: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for day, group, metric, business, wall in spans:
        kept[(day, group, metric, "business")].append(float(business))
        kept[(day, group, metric, "wall")].append(float(wall))
    rows = []
    for day, group, *numbers in counts:
        values = dict(zip(counted, numbers, strict=True))
        row: dict[str, Any] = {"day": day, "group_id": group or None}
        row.update({name: int(values[name]) for name in COUNTS})
        for metric in ("first_response", "resolution"):
            for kind, infix in (("business", ""), ("wall", "_wall")):
                found = kept[(day, group, metric, kind)]
                row[f"{metric}{infix}_minutes_p50"] = percentile(found, 0.5)
                row[f"{metric}{infix}_minutes_p90"] = percentile(found, 0.9)
        n = int(values["csat_count"])
        row["csat_avg"] = round(int(values["csat_sum"]) / n, 2) if n else None
        rows.append(row)
    return rows


def opened_between(
    views: ViewStore, start: str, end: str, department_id: str | None, batch: int = 1000
) -> Iterator[str]:
    """The ids of the tickets opened in [start, end) (RFC 3339 UTC), oldest first, read by
    keyset in batches along the opening-time index, so memory stays flat."""
    where = ["(opened_at, ticket_id) > (?, ?)", "opened_at < ?"]
    if department_id is not None:
        where.append("department_id = ?")
    after = (start, "")
    while True:
        params: list[Any] = [*after, end]
        if department_id is not None:
            params.append(department_id)
        with views.read() as c:
            table = views.live_table(c, ReportsProjection, TICKETS)
            rows = c.execute(
                f"SELECT opened_at, ticket_id FROM {table} WHERE {' AND '.join(where)}"
                " ORDER BY opened_at, ticket_id LIMIT ?",
                [*params, batch],
            ).fetchall()
        for _, ticket_id in rows:
            yield ticket_id
        if len(rows) < batch:
            return
        after = (rows[-1][0], rows[-1][1])


def breaches_on(views: ViewStore, day: date) -> int:
    """SLA breaches recorded on one day, over every department: one row per department,
    read by the table's key (none before the reports are first installed)."""
    try:
        with views.read() as c:
            table = views.live_table(c, ReportsProjection, DAILY)
            row = c.execute(
                f"SELECT COALESCE(SUM(sla_breaches), 0) FROM {table}"
                " WHERE day = ? AND group_kind = ?",
                [day.isoformat(), ReportGroup.DEPARTMENT.value],
            ).fetchone()
    except NotInstalled:
        return 0
    return int(row[0]) if row else 0
