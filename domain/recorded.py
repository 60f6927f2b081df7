"""The base of every event: who did it and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from .values import Origin, Role

COMMON_FIELDS = frozenset(
    {
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
        "actor_id",
        "actor_role",
        "correlation_id",
        "causation_id",
    }
)
"""What every event says; the rest is what its kind says."""


class Recorded(Aggregate.Event):
    personal: ClassVar[tuple[str, ...]] = ()
    """Its fields that hold personal data (`domain.personal`)."""
    sealed_from: ClassVar[int] = 1
    """The first class version whose personal fields are sealed; older ones are `_plain`."""

    actor_id: UUID
    actor_role: Role
    correlation_id: UUID
    causation_id: UUID

    @property
    def occurred_at(self) -> datetime:
        return self.timestamp

    def data(self) -> dict[str, Any]:
        """What this kind of event says, without what every event says."""
        return {
            k: v for k, v in vars(self).items() if k not in COMMON_FIELDS and not k.startswith("_")
        }


def who(origin: Origin) -> dict[str, Any]:
    """The fields every event takes from the command's origin, its time included."""
    return {
        "timestamp": origin.at,
        "actor_id": origin.actor.id,
        "actor_role": origin.actor.role,
        "correlation_id": origin.correlation_id,
        "causation_id": origin.causation_id,
    }


class ShallowCopied:
    """Aggregates whose attributes are immutable values or lists of them copy cheaply.

    The repository deep-copies cached aggregates before each command; copying the
    lists and sharing their frozen elements gives the same isolation at a fraction
    of the cost (deepcopy was most of a command's CPU time).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = object.__new__(type(self))
        clone.__dict__.update(
            {k: list(v) if isinstance(v, list) else v for k, v in self.__dict__.items()}
        )
        return clone
