"""The audit log (auditors): every ticket event across tickets, filtered, in log order."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter

from domain.timefmt import rfc3339
from domain.values import Role
from projections.audit.handlers import AuditProjection
from projections.audit.queries import AuditedType, AuditQuery, page

from .auth import allow
from .deps import ServicesDep
from .openapi import WAITS, problems
from .params import LIMIT_DEFAULT, Cursor, Limit, MinPosition
from .read_schemas import AuditEvent, AuditList, typed
from .reads import caught_up, in_thread
from .times import instant

Since = Annotated[str | None, QueryParameter(name="from", description="RFC 3339, inclusive")]
Until = Annotated[str | None, QueryParameter(name="to", description="RFC 3339, inclusive")]


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["audit"]
    guards = [allow(Role.AUDITOR)]

    @get("/events", operation_id="auditEvents", responses=problems(*WAITS))
    async def events(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        ticket_id: FromQuery[UUID | None] = None,
        actor_id: FromQuery[UUID | None] = None,
        type: FromQuery[AuditedType | None] = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = LIMIT_DEFAULT,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> AuditList:
        """Every ticket event, by ticket, actor, type and time (`from`, `to`, inclusive)."""
        query = AuditQuery(
            ticket_id=None if ticket_id is None else str(ticket_id),
            actor_id=None if actor_id is None else str(actor_id),
            type=type,
            since=None if since is None else rfc3339(instant("from", since)),
            until=None if until is None else rfc3339(instant("to", until)),
            limit=limit,
            cursor=cursor,
        )
        await caught_up(request, AuditProjection, min_position)
        items, next_cursor = await in_thread(lambda: page(services.views, query))
        for item in items:
            item["data"] = msgspec.json.decode(item["data"])
        return AuditList(items=typed(items, AuditEvent), next_cursor=next_cursor)
