"""Liveness, readiness and Prometheus metrics: public, for orchestrators and scrapers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

import msgspec
from litestar import MediaType, get
from litestar.exceptions import ServiceUnavailableException
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily

from projections.reports.queries import breaches_on
from wiring.services import Services
from workers import outbox

from .deps import ServicesDep
from .metrics import ProcessMetrics
from .openapi import problems


class Health(msgspec.Struct):
    status: str


class Ready(msgspec.Struct):
    status: str
    log_position: int


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


class StoreGauges:
    """Gauges read from the store at scrape time by the process that answers: the same
    whichever one it is, so they need no sharing between processes."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def describe(self) -> list[GaugeMetricFamily]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        services = self._services
        yield GaugeMetricFamily(
            "ticketing_log_position",
            "The global position of the newest event.",
            value=services.log.head(),
        )
        position, lag_events, lag_seconds = (
            GaugeMetricFamily(f"ticketing_projection_{name}", text, labels=("projection",))
            for name, text in (
                ("position", "The last log position each projection has processed."),
                ("lag_events", "Events each projection is behind the log."),
                ("lag_seconds", "Seconds since the oldest event a projection has not seen."),
            )
        )
        for lag in services.lags():
            position.add_metric((lag.name,), lag.position)
            lag_events.add_metric((lag.name,), lag.lag_events)
            lag_seconds.add_metric((lag.name,), lag.lag_seconds)
        yield from (position, lag_events, lag_seconds)
        mail = GaugeMetricFamily(
            "ticketing_mail_outbox",
            "Mail in the outbox by state (pending, failed).",
            labels=("state",),
        )
        for state, count in outbox.counts(services.views).items():
            mail.add_metric((state,), count)
        yield mail
        yield GaugeMetricFamily(
            "ticketing_sla_breaches_today",
            "SLA breaches recorded today (UTC), from the reports read model.",
            value=breaches_on(services.views, services.clock().astimezone(UTC).date()),
        )


def metrics_handler(process: ProcessMetrics, services: Services) -> Any:
    """`/metrics` over the counters of every API process and the store's gauges."""
    process.registry.register(StoreGauges(services))

    @get(
        "/metrics",
        operation_id="metrics",
        media_type=MediaType.TEXT,
        sync_to_thread=True,
        responses=problems(public=True),
    )
    def metrics() -> str:
        """Prometheus text: answers by method and status, latency histograms by route,
        command outcomes, reads waiting for a projection, the log's head, each
        projection's position and lag, the mail in the outbox by state and today's SLA
        breaches."""
        return generate_latest(process.registry).decode()

    return metrics
