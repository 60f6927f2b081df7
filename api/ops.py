"""Liveness, readiness and Prometheus metrics: public, for orchestrators and scrapers."""

from __future__ import annotations

from collections import Counter
from threading import Lock
from typing import Any

import msgspec
from litestar import MediaType, get
from litestar.enums import ScopeType
from litestar.exceptions import ServiceUnavailableException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from workers import outbox

from .deps import ServicesDep
from .openapi import problems
from .waiting import Reads


class Health(msgspec.Struct):
    status: str


class Ready(msgspec.Struct):
    status: str
    log_position: int


class RequestCounter:
    """Counts answers by method and status, for /metrics."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, int]] = Counter()
        self._lock = Lock()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return

            async def send_counting(message: Message) -> None:
                if message["type"] == "http.response.start":
                    with self._lock:
                        self.counts[(str(scope.get("method")), message["status"])] += 1
                await send(message)

            await app(scope, receive, send_counting)

        return counted


@get("/healthz", operation_id="healthz", responses=problems(public=True))
async def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@get("/readyz", operation_id="readyz", sync_to_thread=True, responses=problems(503, public=True))
def readyz(services: ServicesDep) -> Ready:
    """The store answers."""
    try:
        head = services.log.head()
    except Exception:  # any store failure means not ready
        raise ServiceUnavailableException("the event store does not answer") from None
    return Ready(status="ready", log_position=head)


def metrics_handler(counter: RequestCounter, reads: Reads) -> Any:
    @get(
        "/metrics",
        operation_id="metrics",
        media_type=MediaType.TEXT,
        sync_to_thread=True,
        responses=problems(public=True),
    )
    def metrics(services: ServicesDep) -> str:
        """Prometheus text: requests by method and status, reads waiting for a projection,
        the log's head position, and the mail waiting in the outbox or set aside there as
        failed."""
        lines = [
            "# HELP ticketing_http_responses_total HTTP answers by method and status.",
            "# TYPE ticketing_http_responses_total counter",
        ]
        for (method, status), count in sorted(counter.counts.items()):
            lines.append(
                f'ticketing_http_responses_total{{method="{method}",status="{status}"}} {count}'
            )
        lines += [
            "# HELP ticketing_read_waiters Reads waiting for a projection (min_position).",
            "# TYPE ticketing_read_waiters gauge",
            *(
                f'ticketing_read_waiters{{projection="{name}"}} {count}'
                for name, count in sorted(reads.waiting.items())
            ),
            "# HELP ticketing_log_position The global position of the newest event.",
            "# TYPE ticketing_log_position gauge",
            f"ticketing_log_position {services.log.head()}",
            "# HELP ticketing_mail_outbox Mail in the outbox by state (pending, failed).",
            "# TYPE ticketing_mail_outbox gauge",
        ]
        for state, count in outbox.counts(services.views).items():
            lines.append(f'ticketing_mail_outbox{{state="{state}"}} {count}')
        return "\n".join(lines) + "\n"

    return metrics
