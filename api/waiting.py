"""Read-your-writes without holding a thread.

A read with `min_position` waits until its projection has processed that position. The
wait is a coroutine on the event loop, never a worker thread: a thread per waiter let a
few dozen waiters exhaust the pool and stall every other request. All waiters of a
projection share one reading of its position per tick, however many they are. A caller
may have only a few reads waiting at once (429 beyond), a position beyond the log's head
is refused at once (400: no command ever answered it), and a wait ends
`read_wait_seconds` after the request arrived, however busy the server is (503).

State here is touched only from the event loop (one per process), so it needs no locks.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from litestar import Request
from litestar.exceptions import ServiceUnavailableException, TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import Gauge

from domain.errors import InvalidInput
from projections.base import Projection
from wiring.services import Services

TICK = 0.02
"""Seconds between two readings of a projection's position while anyone waits on it."""
ARRIVED = "ticketing.arrived"
"""The key of the request's arrival time (monotonic seconds) in the ASGI scope's state."""


class Progress:
    """How far each projection has got, read from the store at most once per tick."""

    def __init__(self, read_position: Callable[[str], int], tick: float = TICK) -> None:
        self._read_position = read_position
        self._tick = tick
        self._known: dict[str, int] = {}
        self._read_at: dict[str, float] = {}
        self._reading: dict[str, anyio.Event] = {}

    def known(self, name: str) -> int:
        """The last position read (positions only grow, so a reached one stays reached)."""
        return self._known.get(name, -1)

    async def reached(self, name: str, position: int, deadline: float) -> bool:
        """True once the projection has processed `position`; False at the deadline."""
        while self.known(name) < position:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with anyio.move_on_after(left):
                await self._next_reading(name)
        return True

    async def _next_reading(self, name: str) -> None:
        """Waits for the next reading of the position, taking it if no one else is."""
        pending = self._reading.get(name)
        if pending is not None:
            await pending.wait()
            return
        self._reading[name] = done = anyio.Event()
        try:
            due = self._read_at.get(name, -math.inf) + self._tick
            await anyio.sleep(max(0.0, due - time.monotonic()))
            position = await anyio.to_thread.run_sync(self._read_position, name)
            self._known[name] = max(position, self.known(name))
            self._read_at[name] = time.monotonic()
        finally:
            del self._reading[name]
            done.set()


class Reads:
    """What the projection reads share: the progress they wait on and who is waiting."""

    def __init__(self, services: Services, waiters: Gauge) -> None:
        self._head = services.log.head
        self._wait_seconds = services.settings.read_wait_seconds
        self._per_caller = services.settings.read_waiters_per_caller
        self.progress = Progress(services.views.position)
        self._waiters = waiters
        """Reads waiting now, by projection (for /metrics)."""
        self._by_caller: Counter[Any] = Counter()
        self._known_head = 0

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Notes when each request arrived: its wait is measured from there."""

        async def stamped(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("state", {})[ARRIVED] = time.monotonic()
            await app(scope, receive, send)

        return stamped

    async def caught_up(
        self, request: Request[Any, Any, Any], projection: type[Projection], position: int | None
    ) -> None:
        """Returns once `projection` has processed `position`, or refuses the read."""
        if position is None or self.progress.known(projection.name) >= position:
            return
        caller = getattr(request.user, "id", None)
        if self._by_caller[caller] >= self._per_caller:
            raise TooManyRequestsException(
                f"{self._per_caller} of your reads are already waiting for a projection",
                headers={"Retry-After": "1"},
            )
        self._by_caller[caller] += 1
        self._waiters.labels(projection.name).inc()
        try:
            await self._within_head(position)
            arrived = request.scope.get("state", {}).get(ARRIVED, time.monotonic())
            deadline = arrived + self._wait_seconds
            if not await self.progress.reached(projection.name, position, deadline):
                raise ServiceUnavailableException(
                    f"the {projection.name} projection has not reached position {position} yet",
                    headers={"Retry-After": "1"},
                )
        finally:
            self._waiters.labels(projection.name).dec()
            self._by_caller[caller] -= 1
            if not self._by_caller[caller]:
                del self._by_caller[caller]

    async def _within_head(self, position: int) -> None:
        if position <= self._known_head:
            return
        self._known_head = max(self._known_head, await anyio.to_thread.run_sync(self._head))
        if position > self._known_head:
            raise InvalidInput(
                "min_position",
                f"min_position {position} is beyond the log's head ({self._known_head}):"
                " pass the X-Log-Position a command answered",
            )
