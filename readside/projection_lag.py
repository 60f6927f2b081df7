"""Each projection's position and lag, for the API, `/readyz` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from projections.base import Projection
from projections.view_store import ViewStore

from .event_log import EventLog


class ProjectionLag(msgspec.Struct):
    name: str
    version: int
    generation: int | None
    position: int
    head: int
    lag_events: int
    lag_seconds: float


def lags(
    log: EventLog, views: ViewStore, projections: Sequence[type[Projection]], now: datetime
) -> list[ProjectionLag]:
    """How far each projection is behind the log: in events, and in seconds since the
    oldest event it has not processed yet."""
    head = log.head()
    answer = []
    for projection in projections:
        live = views.live(projection.name)
        position = views.position(projection.name)
        seconds = 0.0
        if position < head:
            waiting = log.first_after(position)
            if waiting is not None:
                seconds = max(0.0, (now - waiting).total_seconds())
        answer.append(
            ProjectionLag(
                name=projection.name,
                version=projection.version,
                generation=None if live is None else live[0],
                position=position,
                head=head,
                lag_events=head - position,
                lag_seconds=round(seconds, 3),
            )
        )
    return answer
