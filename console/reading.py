"""Reads that see the reader's own writes, on the app's shared waiters, and blocking
queries in a worker thread.

After each command the console remembers its log position in a cookie (`WROTE_COOKIE`);
every read of a projection then waits for it (as the API's `min_position` does), so a
list never shows the world as it was before the person's own last change."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request, Response

from domain.errors import InvalidInput
from projections.base import Projection

from .desk import cookie

T = TypeVar("T")
WROTE_COOKIE = "ticketing_wrote"


async def caught_up(
    request: Request[Any, Any, Any], projection: type[Projection], position: int | None
) -> None:
    """Returns once the projection has processed `position` and the reader's last write
    (the app's bounded waits: 503 when it takes longer than the API would wait)."""
    reads = request.app.state.reads
    if position is not None:
        await reads.caught_up(request, projection, position)
    wrote = request.cookies.get(WROTE_COOKIE, "")
    if wrote.isdigit() and len(wrote) < 19:
        # Beyond the head: a position of another store (a rebuilt one), nothing to wait for.
        with suppress(InvalidInput):
            await reads.caught_up(request, projection, int(wrote))


def remember(response: Response[Any], request: Request[Any, Any, Any], position: int) -> None:
    """Notes the reader's last write on the response that answers it."""
    response.set_cookie(cookie(request, WROTE_COOKIE, str(position)))


async def in_thread(query: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(query)
