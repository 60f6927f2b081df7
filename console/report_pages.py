"""Supervisors' and analysts' daily report: the plot the CLI draws (summed over the
departments, whichever grouping the table shows) above a table per day and department (or
agent)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter

from domain.errors import InvalidInput
from domain.values import Role
from projections.reports.handlers import ReportGroup
from projections.reports.queries import daily

from .desk import (
    ConsoleDep,
    SessionDep,
    need,
)
from .directory import Names, departments
from .reading import in_thread
from .render import page
from .report_plot import days_of, plot_svg

MAX_DAYS = 366
DEFAULT_DAYS = 14


@get("/console/reports", include_in_schema=False)
async def daily_report(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    since: Annotated[str | None, QueryParameter(name="from", max_length=10)] = None,
    to: Annotated[str | None, QueryParameter(max_length=10)] = None,
    group_by: FromQuery[ReportGroup] = ReportGroup.DEPARTMENT,
) -> Response[str]:
    need(session, {Role.SUPERVISOR, Role.ANALYST})
    services = console.services
    end = _day("to", to) if to else services.clock().date()
    start = _day("from", since) if since else end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise InvalidInput("to", "to must not be before from")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("to", f"a report spans at most {MAX_DAYS} days")
    rows = await in_thread(lambda: daily(services.views, start, end, group_by))
    plotted = rows
    if group_by is not ReportGroup.DEPARTMENT:
        plotted = await in_thread(lambda: daily(services.views, start, end, ReportGroup.DEPARTMENT))
    names: dict[str, str] = {}
    if group_by is ReportGroup.DEPARTMENT:
        names = await in_thread(lambda: departments(services))
    else:
        lookup = Names(services)
        names = await in_thread(lambda: lookup.people(r["group_id"] for r in rows))
    return page(
        "report.html",
        session=session,
        rows=rows,
        names=names,
        plot=plot_svg(days_of(plotted), start.isoformat(), end.isoformat()) if plotted else None,
        start=start.isoformat(),
        end=end.isoformat(),
        group_by=group_by.value,
        groups=list(ReportGroup),
    )


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(name, f"{name} must be a date like 2026-03-02") from None
