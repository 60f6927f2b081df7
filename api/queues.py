"""The agents' queues: their own open work, and a department's tickets."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery

from domain.errors import InvalidInput
from domain.lifecycle import ACTIVE
from domain.sla import SLAState
from domain.values import WORKERS, Actor, Priority, Role
from projections.queue.handlers import QueueProjection
from projections.queue.history import QueueHistoryProjection
from projections.queue.queries import QueueQuery, QueueSort, page
from wiring.services import Services

from .auth import allow
from .deps import ServicesDep
from .openapi import WAITS, problems
from .params import LIMIT_DEFAULT, AsOf, Cursor, Limit, MinPosition
from .read_schemas import QueueItem, QueueList, typed
from .reads import caught_up, department_scope, in_thread
from .times import instant
from .vocabulary import StatusFilter, statuses


class QueueController(Controller):
    path = "/v1/queues"
    tags = ["queues"]
    guards = [allow(*WORKERS, Role.AUDITOR)]

    @get("/mine", operation_id="myQueue", responses=problems(*WAITS))
    async def mine(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        sort: FromQuery[QueueSort] = QueueSort.DUE,
        limit: Limit = LIMIT_DEFAULT,
        cursor: Cursor = None,
        min_position: MinPosition = None,
        as_of: AsOf = None,
    ) -> QueueList:
        """Open work assigned to the caller, now or as it was at `as_of`."""
        query = QueueQuery(assignee=str(request.user.id), sort=sort, limit=limit, cursor=cursor)
        return await _read(request, services, query, min_position, as_of)

    @get(
        "/departments/{department_id:uuid}",
        operation_id="departmentQueue",
        responses=problems(404, *WAITS),
    )
    async def department(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        department_id: FromPath[UUID],
        status: StatusFilter = None,
        assignee: FromQuery[str | None] = None,
        priority: FromQuery[Priority | None] = None,
        sla_state: FromQuery[SLAState | None] = None,
        sort: FromQuery[QueueSort] = QueueSort.DUE,
        limit: Limit = LIMIT_DEFAULT,
        cursor: Cursor = None,
        min_position: MinPosition = None,
        as_of: AsOf = None,
    ) -> QueueList:
        """A department's tickets, filtered by status (comma-separated; the active ones
        without), assignee (`unassigned` or an id), priority and SLA state; sorted by due
        time (default), priority, creation or last activity; now, or exactly as the queue
        was at `as_of` (auditors and supervisors any department, agents their own)."""
        await in_thread(lambda: department_scope(services, request.user, department_id))
        query = QueueQuery(
            department_id=str(department_id),
            assignee=_assignee(assignee),
            statuses=statuses(status, ACTIVE),
            priority=priority,
            sla_state=sla_state,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
        return await _read(request, services, query, min_position, as_of)


async def _read(
    request: Request[Actor, Any, Any],
    services: Services,
    query: QueueQuery,
    min_position: int | None,
    as_of: str | None,
) -> QueueList:
    """Auditors read queues only as they were: they work no tickets now."""
    now = services.clock()
    at = None if as_of is None else instant("as_of", as_of)
    if at is None and request.user.role is Role.AUDITOR:
        raise PermissionDeniedException("auditors read queues as they were: give as_of")
    if at is not None and at > now:
        raise InvalidInput("as_of", "as_of must not be in the future")
    projection = QueueProjection if at is None else QueueHistoryProjection
    await caught_up(request, projection, min_position)
    items, next_cursor = await in_thread(lambda: page(services.views, query, now, at))
    return QueueList(items=typed(items, QueueItem), next_cursor=next_cursor)


def _assignee(value: str | None) -> str | None:
    """`unassigned`, or an agent's id in its canonical spelling."""
    if value in (None, "unassigned"):
        return value
    try:
        return str(UUID(value))
    except ValueError:
        raise InvalidInput("assignee", "assignee must be 'unassigned' or an id") from None
