"""`GET /v1/sla/timers`: every running SLA clock, soonest due first."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import get
from litestar.params import FromQuery, QueryParameter

from domain.values import WORKERS
from projections.timers.handlers import TimersProjection
from projections.timers.queries import TimerQuery, page

from .auth import allow
from .deps import ServicesDep
from .reads import Page, await_position

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
MinPosition = Annotated[int | None, QueryParameter(ge=0)]


@get(
    "/v1/sla/timers",
    operation_id="slaTimers",
    guards=[allow(*WORKERS)],
    tags=["sla"],
    sync_to_thread=True,
)
def sla_timers(
    services: ServicesDep,
    sla_state: FromQuery[str | None] = None,
    department_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: FromQuery[str | None] = None,
    min_position: MinPosition = None,
) -> Page:
    """SLA clocks by state (`warning`, `breached`, ...) and department, with the business
    minutes left until the earliest open due time (negative once overdue)."""
    query = TimerQuery(
        sla_state=sla_state,
        department_id=None if department_id is None else str(department_id),
        limit=limit,
        cursor=cursor,
    )
    await_position(services.views, TimersProjection, min_position)
    items, next_cursor = page(services.views, query, services.clock())
    return Page(items=items, next_cursor=next_cursor)
