"""`GET /v1/events`: the global event log in order, for auditors and analysts."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.params import QueryParameter

from domain.values import Role

from .auth import allow
from .deps import ServicesDep
from .reads import Page

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
After = Annotated[int, QueryParameter(ge=0, le=2**63 - 1)]


@get(
    "/v1/events",
    operation_id="eventLog",
    guards=[allow(Role.AUDITOR, Role.ANALYST)],
    tags=["events"],
    sync_to_thread=True,
)
def event_log(services: ServicesDep, after: After = 0, limit: Limit = 50) -> Page:
    """Every event after a position, oldest first (internal notes included: these roles
    are staff); `next_cursor` is the position to pass as `after` for the next page."""
    items: list[dict[str, Any]] = [
        msgspec.to_builtins(i) for i in services.feed.after(after, limit)
    ]
    more = len(items) == limit
    return Page(items=items, next_cursor=str(items[-1]["position"]) if more else None)
