"""Rate limiting: a token bucket per caller, in this process.

Each principal has a bucket (`middleware`, after authentication). Before authentication,
each client address has one too (`BearerTokens` takes from it): it is charged for every
request that fails to authenticate, so a flood of unknown tokens is refused without a
lookup each, while authenticated requests give their token back and never drain it (many
people may share an address). A caller who empties a bucket gets 429 with `Retry-After`;
the public paths are not limited. Several API processes each keep their own buckets
and allow their share of the limit (`Settings.rate_limit_per_process`): no shared store
on the request path, and the limit holds overall while connections spread evenly over
the processes (the kernel hands them out in turn); a caller whose one keep-alive
connection stays with one process gets that process's share.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send


class TokenBuckets:
    def __init__(self, per_second: float, burst: int) -> None:
        self.rate = per_second
        self.burst = burst
        self._buckets: dict[Any, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: Any) -> float:
        """0 when a request may go ahead; otherwise the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate

    def give_back(self, key: Any) -> None:
        """Returns the token a request took (it turned out not to count); a bucket full
        again is forgotten, so addresses that only ever authenticate cost no memory."""
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self.burst), time.monotonic()))
            if tokens + 1 >= self.burst:
                self._buckets.pop(key, None)
            else:
                self._buckets[key] = (tokens + 1, since)

    def refuse_when_empty(self, key: Any) -> None:
        """Takes a token for `key`, or raises 429 with `Retry-After` (limiting off: rate 0)."""
        wait = 0.0 if self.rate <= 0 else self.take(key)
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            raise TooManyRequestsException(
                f"slow down: try again in {retry} s", headers={"Retry-After": retry}
            )

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            user = scope.get("user") if scope["type"] == ScopeType.HTTP else None
            if user is not None:
                self.refuse_when_empty(getattr(user, "id", user))
            await app(scope, receive, send)

        return limited
