"""From ticket events to audit rows."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from domain.ticket import Ticket
from domain.timefmt import rfc3339

from ..base import Batch, Handler, Projection, Table
from ..plain import plain

EVENTS = Table(
    name="view_audit",
    columns={
        "position": "BIGINT NOT NULL",
        "ticket_id": "TEXT NOT NULL",
        "version": "INTEGER NOT NULL",
        "type": "TEXT NOT NULL",
        "occurred_at": "TEXT NOT NULL",
        "actor_id": "TEXT NOT NULL",
        "actor_role": "TEXT NOT NULL",
        "correlation_id": "TEXT NOT NULL",
        "causation_id": "TEXT NOT NULL",
        "data": "TEXT NOT NULL",
        "digest": "TEXT NOT NULL",
    },
    key=("position",),
    indexes=(
        ("ticket_id", "position"),
        ("actor_id", "position"),
        ("type", "position"),
        ("occurred_at", "position"),
    ),
)

_json = msgspec.json.Encoder()


def recorded(batch: Batch, event: Ticket.Event, position: int) -> None:
    batch.insert(
        EVENTS,
        {
            "position": position,
            "ticket_id": str(event.originator_id),
            "version": event.originator_version,
            "type": type(event).__name__,
            "occurred_at": rfc3339(event.timestamp),
            "actor_id": str(event.actor_id),
            "actor_role": event.actor_role.value,
            "correlation_id": str(event.correlation_id),
            "causation_id": str(event.causation_id),
            "data": _json.encode(plain(event.data())).decode(),
            "digest": event.digest(),
        },
    )


class AuditProjection(Projection):
    name = "audit"
    version = 3
    tables = (EVENTS,)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        cls: recorded
        for cls in vars(Ticket).values()
        if isinstance(cls, type) and issubclass(cls, Ticket.Event) and cls is not Ticket.Event
    }

    @classmethod
    def type_names(cls) -> frozenset[str]:
        return frozenset(event.__name__ for event in cls.handlers)
