"""What every projection read shares: read-your-writes, scopes, a thread for the query.

A read handler is a coroutine: it waits for `min_position` on the event loop
(`caught_up`, see waiting.py), then runs its query in a worker thread (`in_thread`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread
from litestar import Request

from domain.errors import NotFound
from domain.values import Actor, Role
from projections.base import Projection
from wiring.services import Services

from .waiting import Reads

T = TypeVar("T")


async def caught_up(
    request: Request[Any, Any, Any], projection: type[Projection], position: int | None
) -> None:
    """Returns once the projection has processed `position` (`min_position`, a command's
    `X-Log-Position`); 400 beyond the log's head, 429 when the caller already has too
    many reads waiting, 503 when the wait limit passes."""
    reads: Reads = request.app.state.reads
    await reads.caught_up(request, projection, position)


def department_scope(
    services: Services, actor: Actor, department_id: UUID | None
) -> tuple[str, ...] | None:
    """The departments an agent reads (None: every one, for the other roles). An agent
    asking for another department finds none (404), so existence is not leaked."""
    if actor.role is not Role.AGENT:
        return None
    mine = services.helpdesk.departments_of(actor)
    if department_id is not None and department_id not in mine:
        raise NotFound(f"no department {department_id} among yours")
    return tuple(str(d) for d in mine)


async def in_thread(query: Callable[[], T]) -> T:
    """Runs a blocking query in a worker thread, leaving the event loop free."""
    return await anyio.to_thread.run_sync(query)
