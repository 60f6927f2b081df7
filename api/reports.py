"""`GET /v1/reports/daily` (supervisors, analysts): JSON, or CSV with `format=csv` or
`Accept: text/csv` (an explicit `format` wins)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter

from api.csv_text import csv_document
from domain.errors import InvalidInput
from domain.values import Role
from projections.reports.handlers import ReportsProjection
from projections.reports.queries import FIELDS, daily

from .auth import allow
from .deps import ServicesDep
from .params import MinPosition
from .reads import caught_up, in_thread

Day = Annotated[str, QueryParameter(name="from")]
MAX_DAYS = 366
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(field: str, text: str) -> date:
    """A date (`2026-03-02`) or an RFC 3339 time, taken as its UTC day."""
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise InvalidInput(field, f"{field} must be a date like 2026-03-02")
    return at.astimezone(UTC).date()


@get(
    "/v1/reports/daily",
    operation_id="dailyReport",
    guards=[allow(Role.SUPERVISOR, Role.ANALYST)],
    tags=["reports"],
)
async def daily_report(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    since: Day,
    to: FromQuery[str],
    group_by: FromQuery[str] = "department",
    format: FromQuery[Literal["json", "csv"] | None] = None,
    min_position: MinPosition = None,
) -> Response[Any]:
    """Rows per UTC day and department (or agent): counts, exact p50/p90 durations in
    business minutes (and wall-clock), CSAT average."""
    start, end = _day("from", since), _day("to", to)
    if end < start:
        raise InvalidInput("to", "to must not be before from")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("to", f"a report spans at most {MAX_DAYS} days")
    if group_by not in ("department", "agent"):
        raise InvalidInput("group_by", "group_by must be department or agent")
    await caught_up(request, ReportsProjection, min_position)
    rows = await in_thread(lambda: daily(services.views, start, end, group_by))
    if format is None:
        format = "csv" if "text/csv" in request.headers.get("accept", "") else "json"
    if format == "csv":
        return Response(csv_document(FIELDS, rows), media_type="text/csv")
    return Response({"items": rows, "next_cursor": None})
