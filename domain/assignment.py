"""Automatic assignment: who gets a department's next ticket, and the rotation that
remembers it across restarts.

The rotation is an aggregate per department, saved in the same transaction as the
`Assigned` event it decided, so two assigners deciding at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from .recorded import Recorded, ShallowCopied, who
from .values import Origin

_NAMESPACE = UUID("2f8d6a40-7b1e-4c3a-8e5f-9d0a1b2c3d4e")
_NEVER = datetime.min.isoformat()


class Rotation(ShallowCopied, Aggregate):
    """A department's assignment history: the last agent, and when each agent last got one."""

    department_id: UUID
    last_agent_id: UUID | None
    last_assigned: dict[str, datetime]

    def __init__(self) -> None:
        """State is set by `Started.apply`."""

    @staticmethod
    def id_for(department_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"rotation:{department_id}")

    class Started(Recorded, Aggregate.Created):
        department_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.department_id = self.department_id
            aggregate.last_agent_id = None
            aggregate.last_assigned = {}

    class Turned(Recorded):
        agent_id: UUID
        ticket_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.last_agent_id = self.agent_id
            aggregate.last_assigned = {
                **aggregate.last_assigned,
                str(self.agent_id): self.timestamp,
            }

    @classmethod
    def start(cls, department_id: UUID, origin: Origin) -> Rotation:
        rotation: Rotation = cls._create(
            cls.Started, id=cls.id_for(department_id), department_id=department_id, **who(origin)
        )
        return rotation

    def turn(self, agent_id: UUID, ticket_id: UUID, origin: Origin) -> None:
        self.trigger_event(self.Turned, agent_id=agent_id, ticket_id=ticket_id, **who(origin))


def round_robin(candidates: Sequence[UUID], last: UUID | None) -> UUID:
    """The next candidate after the last one chosen, in a fixed (sorted) order."""
    ordered = sorted(candidates)
    if last is None:
        return ordered[0]
    return next((c for c in ordered if c > last), ordered[0])


def least_loaded(
    candidates: Sequence[UUID],
    open_tickets: Mapping[UUID, int],
    last_assigned: Mapping[str, datetime],
) -> UUID:
    """The candidate with the fewest open assigned tickets; ties go to whoever has waited
    longest since their last assignment, then to the lowest id."""
    return min(
        candidates,
        key=lambda c: (
            open_tickets.get(c, 0),
            last_assigned[str(c)].isoformat() if str(c) in last_assigned else _NEVER,
            c,
        ),
    )
