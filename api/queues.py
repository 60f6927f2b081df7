"""The agents' queues: their own open work, and a department's tickets."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.errors import InvalidInput
from domain.values import WORKERS, Actor
from projections.queue.handlers import QueueProjection
from projections.queue.queries import ACTIVE, QueueQuery, page

from .auth import allow
from .deps import ServicesDep
from .params import MinPosition
from .reads import Page, caught_up, department_scope, in_thread

Limit = Annotated[int, QueryParameter(ge=1, le=200)]


def _statuses(status: str | None) -> tuple[str, ...]:
    return ACTIVE if status is None else tuple(s.strip() for s in status.split(","))


class QueueController(Controller):
    path = "/v1/queues"
    tags = ["queues"]
    guards = [allow(*WORKERS)]

    @get("/mine", operation_id="myQueue")
    async def mine(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        sort: FromQuery[str] = "due",
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
        min_position: MinPosition = None,
    ) -> Page:
        """Open work assigned to the caller."""
        query = QueueQuery(assignee=str(request.user.id), sort=sort, limit=limit, cursor=cursor)
        await caught_up(request, QueueProjection, min_position)
        items, next_cursor = await in_thread(lambda: page(services.views, query, services.clock()))
        return Page(items=items, next_cursor=next_cursor)

    @get("/departments/{department_id:uuid}", operation_id="departmentQueue")
    async def department(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        department_id: FromPath[UUID],
        status: FromQuery[str | None] = None,
        assignee: FromQuery[str | None] = None,
        priority: FromQuery[str | None] = None,
        sla_state: FromQuery[str | None] = None,
        sort: FromQuery[str] = "due",
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
        min_position: MinPosition = None,
    ) -> Page:
        """A department's tickets, filtered by status (comma-separated), assignee
        (`unassigned` or an id), priority and SLA state; sorted by due time (default),
        priority, creation or last activity."""
        await in_thread(lambda: department_scope(services, request.user, department_id))
        if assignee not in (None, "unassigned"):
            assignee = str(_uuid("assignee", assignee))
        query = QueueQuery(
            department_id=str(department_id),
            assignee=assignee,
            statuses=_statuses(status),
            priority=priority,
            sla_state=sla_state,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
        await caught_up(request, QueueProjection, min_position)
        items, next_cursor = await in_thread(lambda: page(services.views, query, services.clock()))
        return Page(items=items, next_cursor=next_cursor)


def _uuid(field: str, value: str | None) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput(field, f"{field} must be 'unassigned' or an id") from None
