"""Agents' queues: their own open work, and each of their departments' tickets, read from
the queue projection with its sorts, filters and keyset pages (the API's queries)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from domain.errors import InvalidInput, NotFound
from domain.lifecycle import ACTIVE
from domain.sla import SLAState
from domain.values import WORKERS, Priority, Status
from projections.queue.handlers import QueueProjection
from projections.queue.queries import ACTIVE_STATUSES, QueueQuery, QueueSort, page

from .desk import (
    Choice,
    ConsoleDep,
    Cursor,
    MinPosition,
    SessionDep,
    need,
    option,
)
from .directory import Names, my_departments
from .reading import caught_up, in_thread
from .render import page as html
from .sessions import Session

PAGE = 50


def _assignee(session: Session, value: str | None) -> str | None:
    if value == "me":
        return str(session.actor.id)
    if value in (None, "", "unassigned"):
        return value or None
    try:
        return str(UUID(value))
    except ValueError:
        raise InvalidInput("assignee", "assignee must be me, unassigned or an id") from None


@get("/console/queue", include_in_schema=False)
async def my_queue(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    sort: FromQuery[QueueSort] = QueueSort.DUE,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> Response[str]:
    """Open work assigned to the signed-in agent."""
    need(session, WORKERS)
    query = QueueQuery(assignee=str(session.actor.id), sort=sort, limit=PAGE, cursor=cursor)
    return await _queue(request, console, session, query, min_position, None)


@get("/console/queue/departments/{department_id:uuid}", include_in_schema=False)
async def department_queue(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    department_id: FromPath[UUID],
    status: Choice = None,
    assignee: Choice = None,
    priority: Choice = None,
    sla_state: Choice = None,
    sort: FromQuery[QueueSort] = QueueSort.DUE,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> Response[str]:
    """A department's tickets (an agent's own departments only: others are 404)."""
    need(session, WORKERS)
    chosen = option(Status, "status", status)
    query = QueueQuery(
        department_id=str(department_id),
        assignee=_assignee(session, assignee),
        statuses=(chosen,) if chosen else ACTIVE_STATUSES,
        priority=option(Priority, "priority", priority),
        sla_state=option(SLAState, "sla_state", sla_state),
        sort=sort,
        limit=PAGE,
        cursor=cursor,
    )
    return await _queue(request, console, session, query, min_position, department_id)


async def _queue(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    query: QueueQuery,
    min_position: int | None,
    department_id: UUID | None,
) -> Response[str]:
    services = console.services
    departments = await in_thread(lambda: my_departments(services, session.actor))
    if department_id is not None and str(department_id) not in departments:
        raise NotFound(f"no department {department_id} among yours")
    await caught_up(request, QueueProjection, min_position)
    items, next_cursor = await in_thread(lambda: page(services.views, query, services.clock()))
    names = Names(services)
    assignees = await in_thread(lambda: names.people(i["assignee_id"] for i in items))
    filters = (
        {"sort": query.sort.value}
        if department_id is None
        else {
            "status": query.statuses[0].value if len(query.statuses) == 1 else "",
            "assignee": "me" if query.assignee == str(session.actor.id) else query.assignee or "",
            "priority": query.priority.value if query.priority else "",
            "sla_state": query.sla_state.value if query.sla_state else "",
            "sort": query.sort.value,
        }
    )
    return html(
        "queue.html",
        session=session,
        items=items,
        next_cursor=next_cursor,
        assignees=assignees,
        departments=departments,
        department_id=None if department_id is None else str(department_id),
        title=departments[str(department_id)] if department_id else "My queue",
        filters=filters,
        statuses=[s for s in Status if s in ACTIVE or department_id],
        priorities=list(Priority),
        sla_states=list(SLAState),
        sorts=list(QueueSort),
        now=services.clock(),
    )
