"""The base of every event: who did it and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .values import Origin, Role


class Recorded(Aggregate.Event):
    actor_id: UUID
    actor_role: Role
    correlation_id: UUID
    causation_id: UUID

    @property
    def occurred_at(self) -> datetime:
        return self.timestamp


def who(origin: Origin) -> dict[str, Any]:
    """The fields every event takes from the command's origin, its time included."""
    return {
        "timestamp": origin.at,
        "actor_id": origin.actor.id,
        "actor_role": origin.actor.role,
        "correlation_id": origin.correlation_id,
        "causation_id": origin.causation_id,
    }
