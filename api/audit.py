"""The audit log (auditors): every ticket event across tickets, filtered, in log order."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter

from domain.errors import InvalidInput
from domain.timefmt import rfc3339
from domain.values import Role
from projections.audit.handlers import AuditProjection
from projections.audit.queries import AuditQuery, page

from .auth import allow
from .deps import ServicesDep
from .params import MinPosition
from .reads import Page, caught_up, in_thread

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Since = Annotated[str | None, QueryParameter(name="from")]
Until = Annotated[str | None, QueryParameter(name="to")]


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["audit"]
    guards = [allow(Role.AUDITOR)]

    @get("/events", operation_id="auditEvents")
    async def events(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        ticket_id: FromQuery[UUID | None] = None,
        actor_id: FromQuery[UUID | None] = None,
        type: FromQuery[str | None] = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
        min_position: MinPosition = None,
    ) -> Page:
        """Every ticket event, by ticket, actor, type and time (`from`, `to`, inclusive)."""
        query = AuditQuery(
            ticket_id=None if ticket_id is None else str(ticket_id),
            actor_id=None if actor_id is None else str(actor_id),
            type=type,
            since=_instant("from", since),
            until=_instant("to", until),
            limit=limit,
            cursor=cursor,
        )
        await caught_up(request, AuditProjection, min_position)
        items, next_cursor = await in_thread(lambda: page(services.views, query))
        for item in items:
            item["data"] = msgspec.json.decode(item["data"])
        return Page(items=items, next_cursor=next_cursor)


def _instant(field: str, text: str | None) -> str | None:
    """Parsed here rather than by the framework, so that errors name `from` and `to`."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{field} must be an RFC 3339 time") from None
    if at.tzinfo is None:
        raise InvalidInput(field, f"{field} needs a time zone, like 2026-01-02T03:04:05Z")
    return rfc3339(at)
