"""From ticket events to audit rows.

A row shows its event's data, personal fields included; once the ticket's customer is
erased, a rebuild reads those as `[erased]`. So the projection keeps, per ticket, the
positions of its events that have personal fields, and the `Erased` event rewrites
exactly those rows as a rebuild would write them (a key lookup each, never a scan).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import msgspec

from domain.personal import ERASED, personal_fields, replaced
from domain.ticket import Ticket
from domain.timefmt import rfc3339

from ..base import Batch, Handler, Key, Projection, Table
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
    personal=True,
)

PERSONAL_POSITIONS = Table(
    name="view_audit_personal_positions",
    columns={"ticket_id": "TEXT NOT NULL", "positions": "TEXT NOT NULL"},
    key=("ticket_id",),
)
"""Where a ticket's personal text is in the audit: the positions (a JSON list) of its
events that have personal fields."""

_json = msgspec.json.Encoder()


def recorded(batch: Batch, event: Ticket.Event, position: int) -> None:
    if personal_fields(type(event)):
        _holds_personal(batch, event, position)
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


def _holds_personal(batch: Batch, event: Ticket.Event, position: int) -> None:
    ticket_id = str(event.originator_id)
    row = batch.get(PERSONAL_POSITIONS, (ticket_id,))
    positions = [] if row is None else json.loads(row["positions"])
    batch.put(
        PERSONAL_POSITIONS,
        {"ticket_id": ticket_id, "positions": json.dumps([*positions, position])},
    )


def erased(batch: Batch, event: Ticket.Erased, position: int) -> None:
    """Every earlier row of the ticket with personal fields reads them `[erased]`."""
    row = batch.get(PERSONAL_POSITIONS, (str(event.originator_id),))
    keys = [] if row is None else [(p,) for p in json.loads(row["positions"])]
    batch.prefetch(EVENTS, keys)
    for key in keys:
        audited = batch.get(EVENTS, key)
        if audited is not None:
            paths = personal_fields(AUDITED[audited["type"]])
            data = replaced(json.loads(audited["data"]), paths, ERASED)
            batch.put(EVENTS, {**audited, "data": _json.encode(data).decode()})
    recorded(batch, event, position)


AUDITED: dict[str, type[Ticket.Event]] = {
    cls.__name__: cls
    for cls in vars(Ticket).values()
    if isinstance(cls, type) and issubclass(cls, Ticket.Event) and cls is not Ticket.Event
}
"""The ticket events the audit records, by name."""


class AuditProjection(Projection):
    name = "audit"
    version = 4
    """4: the positions of each ticket's events with personal fields, for its erasure."""
    tables = (EVENTS, PERSONAL_POSITIONS)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        **dict.fromkeys(AUDITED.values(), recorded),
        Ticket.Erased: erased,
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Erased) or personal_fields(type(event)):
            return {PERSONAL_POSITIONS.name: (str(event.originator_id),)}
        return {}

    @classmethod
    def type_names(cls) -> frozenset[str]:
        return frozenset(event.__name__ for event in cls.handlers)
