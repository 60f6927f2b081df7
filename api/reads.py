"""What every projection read shares: read-your-writes and list answers."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar.exceptions import ServiceUnavailableException

from domain.errors import InvalidInput
from projections.base import Projection
from projections.view_store import ViewStore

WAIT_SECONDS = 5.0


class Page(msgspec.Struct):
    items: list[dict[str, Any]]
    next_cursor: str | None


def await_position(views: ViewStore, projection: type[Projection], position: int | None) -> None:
    """Waits until the projection has processed `position` (`min_position`), or 503."""
    if position is None:
        return
    if position < 0:
        raise InvalidInput("min_position", "min_position must not be negative")
    deadline = time.monotonic() + WAIT_SECONDS
    delay = 0.005
    while views.position(projection.name) < position:
        if time.monotonic() >= deadline:
            raise ServiceUnavailableException(
                f"the {projection.name} projection has not reached position {position} yet",
                headers={"Retry-After": "1"},
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
