"""`GET /v1/events`: the global event log in order, for auditors and analysts."""

from __future__ import annotations

from litestar import get

from domain.values import Role

from .auth import allow
from .deps import ServicesDep
from .openapi import problems
from .params import LIMIT_DEFAULT, After, Limit
from .read_schemas import EventList, FeedEvent, typed


@get(
    "/v1/events",
    operation_id="eventLog",
    guards=[allow(Role.AUDITOR, Role.ANALYST)],
    tags=["events"],
    sync_to_thread=True,
    responses=problems(),
)
def event_log(services: ServicesDep, after: After = 0, limit: Limit = LIMIT_DEFAULT) -> EventList:
    """Every event after a position, oldest first (internal notes included: these roles
    are staff); `next_cursor` is the position to pass as `after` for the next page."""
    items = typed(services.feed.after(after, limit), FeedEvent)
    more = len(items) == limit
    return EventList(items=items, next_cursor=str(items[-1].position) if more else None)
