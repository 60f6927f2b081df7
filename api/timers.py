"""`GET /v1/sla/timers`: every running SLA clock, soonest due first."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.params import FromQuery

from domain.sla import SLAState
from domain.values import WORKERS, Actor
from projections.timers.handlers import TimersProjection
from projections.timers.queries import TimerQuery, page

from .auth import allow
from .deps import ServicesDep
from .openapi import WAITS, problems
from .params import LIMIT_DEFAULT, Cursor, Limit, MinPosition
from .read_schemas import TimerItem, TimerList, typed
from .reads import caught_up, department_scope, in_thread


@get(
    "/v1/sla/timers",
    operation_id="slaTimers",
    guards=[allow(*WORKERS)],
    tags=["sla"],
    responses=problems(404, *WAITS),
)
async def sla_timers(
    request: Request[Actor, Any, Any],
    services: ServicesDep,
    sla_state: FromQuery[SLAState | None] = None,
    department_id: FromQuery[UUID | None] = None,
    limit: Limit = LIMIT_DEFAULT,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> TimerList:
    """SLA clocks by state (`warning`, `breached`, ...) and department, with the business
    minutes left until the earliest open due time (negative once overdue). Agents see the
    clocks of the tickets they may read: their departments' (another department is 404,
    as its queue is), their own and unrouted ones."""
    actor = request.user
    within = await in_thread(lambda: department_scope(services, actor, department_id))
    query = TimerQuery(
        sla_state=sla_state,
        department_id=None if department_id is None else str(department_id),
        within_departments=within if department_id is None else None,
        agent_id=str(actor.id),
        limit=limit,
        cursor=cursor,
    )
    await caught_up(request, TimersProjection, min_position)
    items, next_cursor = await in_thread(lambda: page(services.views, query, services.clock()))
    return TimerList(items=typed(items, TimerItem), next_cursor=next_cursor)
