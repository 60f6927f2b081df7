"""Reads that wait for a command's position (read-your-writes), on the app's shared
waiters, and blocking queries in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request

from projections.base import Projection

T = TypeVar("T")


async def caught_up(
    request: Request[Any, Any, Any], projection: type[Projection], position: int | None
) -> None:
    """Returns once the projection has processed `position` (the app's bounded waits: 503
    when it takes longer than the API would wait)."""
    if position is not None:
        await request.app.state.reads.caught_up(request, projection, position)


async def in_thread(query: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(query)
