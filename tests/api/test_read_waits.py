"""Reads that wait for a projection (`min_position`) wait on the event loop, not in a worker
thread: hundreds of them leave every other request answering, each caller may have only a
few waiting, and each wait ends at the limit (5 s in production, injected here) with 503.

A real server (uvicorn, in a thread of the test, on a real socket), so that the waiting
requests are really concurrent. Its app runs no projection worker: the projections stay
behind the log until the test moves them, so nothing here depends on how fast anything is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
from anyio.abc import TaskGroup

from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services

from ..conftest import ADMIN_TOKEN, FakeClock
from .conftest import Caller, register
from .helpers import log_head, ok, path, problem
from .live_server import live_server
from .metrics_text import value

WAITERS = 200
TIMERS = "/v1/sla/timers"
LONG = 600.0
"""A wait limit no test reaches: the waiters end when the test moves the projections."""
SHORT = 0.05
POLLS = 3000


@dataclass
class Served:
    services: Services
    base_url: str
    admin: Caller

    def person(self, route: str, name: str) -> Caller:
        return register(self.admin, route, name=name, email=f"{name.lower()}@example.com")

    def client(self) -> httpx.AsyncClient:
        """A client that opens a connection per concurrent request (httpx's pool would
        otherwise queue the requests beyond 100 on the client side)."""
        limits = httpx.Limits(max_connections=WAITERS * 2, max_keepalive_connections=WAITERS * 2)
        return httpx.AsyncClient(base_url=self.base_url, limits=limits, timeout=LONG)


def serve(settings: Settings, clock: FakeClock, **changes: Any) -> Iterator[Served]:
    settings = replace(settings, embedded_workers=False, rate_per_second=0, **changes)
    with (
        live_server(settings, clock) as live,
        httpx.Client(base_url=live.base_url, timeout=LONG) as http,
    ):
        yield Served(live.services, live.base_url, Caller(http, ADMIN_TOKEN))  # type: ignore[arg-type]


@pytest.fixture
def served(settings: Settings, clock: FakeClock) -> Iterator[Served]:
    yield from serve(settings, clock, read_wait_seconds=LONG, read_waiters_per_caller=WAITERS)


@pytest.fixture
def impatient(settings: Settings, clock: FakeClock) -> Iterator[Served]:
    yield from serve(settings, clock, read_wait_seconds=SHORT, read_waiters_per_caller=WAITERS)


@pytest.fixture
def bounded(settings: Settings, clock: FakeClock) -> Iterator[Served]:
    yield from serve(settings, clock, read_wait_seconds=LONG, read_waiters_per_caller=2)


async def waiting(http: httpx.AsyncClient, projection: str) -> int:
    """How many reads wait on the projection now, from the server's metrics."""
    found = value(
        (await http.get("/metrics")).text, "ticketing_read_waiters", projection=projection
    )
    return int(found or 0)


async def until(what: str, probe: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(POLLS):
        if await probe():
            return
        await anyio.sleep(0.01)
    pytest.fail(f"never: {what}")


def start_reads(
    tasks: TaskGroup,
    http: httpx.AsyncClient,
    caller: Caller,
    url: str,
    answers: list[httpx.Response],
    times: int = 1,
) -> None:
    """Starts `times` reads of `url` by `caller`; each answer goes to `answers`."""

    async def read() -> None:
        answers.append(await http.get(url, headers=caller.headers()))

    for _ in range(times):
        tasks.start_soon(read)


def catch_up(services: Services) -> None:
    runner = Runtime(services).projection_runner()
    runner.start()
    while runner.step():
        pass


def test_hundreds_of_waiting_reads_leave_an_unrelated_read_answering(served: Served) -> None:
    agent = served.person("/v1/agents", "John")
    customer = served.person("/v1/customers", "Jane")
    ticket = ok(customer.post("/v1/tickets", {"subject": "VPN down", "body": "Help."}), 201)
    head = log_head(served.admin)
    answers: list[httpx.Response] = []

    async def scenario() -> None:
        async with served.client() as http, anyio.create_task_group() as tasks:
            start_reads(tasks, http, agent, f"{TIMERS}?min_position={head}", answers, WAITERS)
            await until("all wait", lambda: _equals(waiting(http, "timers"), WAITERS))
            # Were the waiters holding the worker threads, this would time out.
            other = await http.get(path(ticket["id"]), headers=customer.headers(), timeout=30)
            assert ok(other)["id"] == ticket["id"]
            assert answers == []
            assert await waiting(http, "timers") == WAITERS
            await anyio.to_thread.run_sync(catch_up, served.services)

    anyio.run(scenario)
    assert [a.status_code for a in answers] == [200] * WAITERS


def test_under_load_every_wait_ends_at_the_limit_with_503(impatient: Served) -> None:
    agent = impatient.person("/v1/agents", "John")
    head = log_head(impatient.admin)
    answers: list[httpx.Response] = []

    async def scenario() -> None:
        async with impatient.client() as http, anyio.create_task_group() as tasks:
            start_reads(tasks, http, agent, f"{TIMERS}?min_position={head}", answers, WAITERS)

    anyio.run(scenario)
    assert len(answers) == WAITERS
    for answer in answers:
        assert "timers" in problem(answer, 503)["detail"]
        assert answer.headers["retry-after"] == "1"


def test_a_caller_may_have_only_a_few_reads_waiting(bounded: Served) -> None:
    agent = bounded.person("/v1/agents", "John")
    colleague = bounded.person("/v1/agents", "Mary")
    head = log_head(bounded.admin)
    answers: list[httpx.Response] = []
    url = f"{TIMERS}?min_position={head}"

    async def scenario() -> None:
        async with bounded.client() as http, anyio.create_task_group() as tasks:
            start_reads(tasks, http, agent, url, answers, times=2)
            await until("two wait", lambda: _equals(waiting(http, "timers"), 2))
            refused = await http.get(url, headers=agent.headers())
            assert int(problem(refused, 429)["status"]) == 429
            assert refused.headers["retry-after"] == "1"
            start_reads(tasks, http, colleague, url, answers)
            await until("three wait", lambda: _equals(waiting(http, "timers"), 3))
            assert answers == []
            await anyio.to_thread.run_sync(catch_up, bounded.services)

    anyio.run(scenario)
    assert [a.status_code for a in answers] == [200] * 3


async def _equals(count: Awaitable[int], expected: int) -> bool:
    return await count == expected
