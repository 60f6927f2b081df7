"""`GET /v1/reports/daily` (supervisors, analysts): JSON, or CSV with `format=csv` or
`Accept: text/csv` (an explicit `format` wins)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from api.csv_text import csv_document
from domain.errors import InvalidInput
from domain.values import Role
from projections.reports.handlers import ReportGroup, ReportsProjection
from projections.reports.queries import FIELDS, daily

from .auth import allow
from .deps import ServicesDep
from .openapi import WAITS, problems
from .params import MinPosition
from .read_schemas import Report, ReportRow, typed
from .reads import caught_up, in_thread
from .times import day

Day = Annotated[str, QueryParameter(name="from", description="a date, or an RFC 3339 time")]
MAX_DAYS = 366


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@get(
    "/v1/reports/daily",
    operation_id="dailyReport",
    guards=[allow(Role.SUPERVISOR, Role.ANALYST)],
    tags=["reports"],
    responses={
        200: ResponseSpec(Report, description="The rows (CSV with format=csv)"),
        **problems(*WAITS),
    },
)
async def daily_report(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    since: Day,
    to: FromQuery[str],
    group_by: FromQuery[ReportGroup] = ReportGroup.DEPARTMENT,
    format: FromQuery[ReportFormat | None] = None,
    min_position: MinPosition = None,
) -> Response[Any]:
    """Rows per UTC day and department (or agent): counts, exact p50/p90 durations in
    business minutes (and wall-clock), CSAT average."""
    start, end = day("from", since), day("to", to)
    if end < start:
        raise InvalidInput("to", "to must not be before from")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("to", f"a report spans at most {MAX_DAYS} days")
    await caught_up(request, ReportsProjection, min_position)
    rows = await in_thread(lambda: daily(services.views, start, end, group_by))
    if format is None:
        csv = "text/csv" in request.headers.get("accept", "")
        format = ReportFormat.CSV if csv else ReportFormat.JSON
    if format is ReportFormat.CSV:
        return Response(csv_document(FIELDS, rows), media_type="text/csv")
    return Response(Report(items=typed(rows, ReportRow)))
