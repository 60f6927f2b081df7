"""Each projection's position and lag, for the API, `/readyz` and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from .views import PROJECTIONS

if TYPE_CHECKING:
    from .services import Services


class ProjectionLag(msgspec.Struct):
    name: str
    version: int
    generation: int | None
    position: int
    head: int
    lag_events: int
    lag_seconds: float


def lags(services: Services) -> list[ProjectionLag]:
    head = services.log.head()
    now = services.clock()
    answer = []
    for projection in PROJECTIONS:
        live = services.views.live(projection.name)
        position = services.views.position(projection.name)
        seconds = 0.0
        if position < head:
            waiting = services.log.first_after(position)
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
