"""What each API process counts for `/metrics`: answers, their latency by route, command
outcomes and reads waiting, kept with `prometheus-client`.

Under `ticketing serve --workers N` every process writes its values to files in
`PROMETHEUS_MULTIPROC_DIR` (the library chooses that mode when the variable is set before
it is first imported; `serve` sets it), and whichever process answers a scrape sums the
files of all of them, so `/metrics` tells one truth however the requests were spread.
Without the variable (tests, a single embedded server) each app counts in a registry of
its own, so two apps in one process never share counts.
"""

from __future__ import annotations

import os
import time
from contextvars import ContextVar
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    values,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from domain.pipeline import Outcome

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""Every route with one of these methods is a command (the rest only read)."""
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds; up to 30 s, as a read may wait that long for its projection."""
UNROUTED = "unrouted"

disable_created_metrics()  # type: ignore[no-untyped-call]
"""The same series in both modes (multi-process mode has no `_created` samples)."""

_noted: ContextVar[list[Outcome]] = ContextVar("ticketing.command_outcomes")


def note(outcome: Outcome) -> None:
    """Tells the metrics what the command being answered did (a replay looks like a change
    from outside). The holder is set per request by `ProcessMetrics.middleware`; a handler
    run in a worker thread sees a copy of the context, which holds the same list."""
    holder = _noted.get(None)
    if holder is not None:
        holder.append(outcome)


def multiprocess_dir() -> str | None:
    """The directory the processes share, if the library counts in it (see module)."""
    if values.ValueClass is values.MutexValue:
        return None
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class ProcessMetrics:
    """The counters one process updates; `registry` is what `/metrics` reads."""

    def __init__(self) -> None:
        own = CollectorRegistry(auto_describe=True)
        self.shared_dir = multiprocess_dir()
        if self.shared_dir is None:
            self.registry = own
        else:
            self.registry = CollectorRegistry(auto_describe=True)
            MultiProcessCollector(self.registry, path=self.shared_dir)  # type: ignore[no-untyped-call]
        self.responses = Counter(
            "ticketing_http_responses",
            "HTTP answers by method and status.",
            ("method", "status"),
            registry=own,
        )
        self.latency = Histogram(
            "ticketing_http_request_duration_seconds",
            "Seconds from a request's arrival to the end of its answer, by route template,"
            " method and status class; its _count is the number of requests.",
            ("route", "method", "status_class"),
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.commands = Counter(
            "ticketing_commands",
            "Commands by kind (the route's operation id) and outcome: created, changed,"
            " replayed, refused (4xx) or failed (5xx).",
            ("command", "outcome"),
            registry=own,
        )
        self.read_waiters = Gauge(
            "ticketing_read_waiters",
            "Reads waiting for a projection (min_position).",
            ("projection",),
            multiprocess_mode="livesum",
            registry=own,
        )

    def close(self) -> None:
        """This process stops answering: its live gauges (reads waiting) leave the sum."""
        if self.shared_dir is not None:
            mark_process_dead(os.getpid(), self.shared_dir)  # type: ignore[no-untyped-call]

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = [500]
            outcomes: list[Outcome] = []
            token = _noted.set(outcomes)

            async def send_noting(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status[0] = message["status"]
                await send(message)

            try:
                await app(scope, receive, send_noting)
            except HTTPException as e:  # refused by a middleware (401, 429): answered above
                status[0] = e.status_code
                raise
            finally:
                _noted.reset(token)
                self._observe(scope, status[0], outcomes, time.perf_counter() - started)

        return measured

    def _observe(self, scope: Scope, status: int, outcomes: list[Outcome], seconds: float) -> None:
        method = str(scope.get("method"))
        route = scope.get("path_template") or UNROUTED
        self.responses.labels(method, str(status)).inc()
        self.latency.labels(route, method, f"{status // 100}xx").observe(seconds)
        if method in COMMAND_METHODS:
            self.commands.labels(_command(scope), _outcome(status, outcomes)).inc()


def _command(scope: Scope) -> str:
    handler: Any = scope.get("route_handler")
    operation_id = getattr(handler, "operation_id", None)
    if isinstance(operation_id, str):
        return operation_id
    return getattr(handler, "handler_name", None) or UNROUTED


def _outcome(status: int, outcomes: list[Outcome]) -> str:
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    if outcomes:
        return "replayed" if outcomes[-1].replayed else outcomes[-1].effect.value
    return "created" if status == 201 else "changed"
