"""How the scale benchmark times a read: over HTTP, in process, and by what its statement
costs the database (EXPLAIN), next to the floor of a read and the processes' memory."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.load import Api, percentile
from projections.sql_session import SqlSession
from wiring.services import Services


def get(api: Api, path: str, token: str) -> tuple[int, bytes]:
    """A GET, tried again once on a fresh connection if the server closed an idle one."""
    try:
        return api.call("GET", path, token)
    except (OSError, http.client.HTTPException):
        return api.call("GET", path, token)


def timed(call: Callable[[], Any], times: int) -> tuple[float, float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return percentile(samples, 0.5), percentile(samples, 0.99)


def http_call(api: Api, path: str, token: str) -> Callable[[], Any]:
    def call() -> None:
        status, raw = get(api, path, token)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {raw[:300]!r}")

    return call


def work(services: Services, query: Callable[[], Any]) -> tuple[int, float]:
    """What the read's statement costs the database, whatever the load on the machine:
    the buffers it touches and its execution time, from EXPLAIN (ANALYZE, BUFFERS)."""
    views, statements = services.views, []
    original = views.read

    @contextmanager
    def noting() -> Iterator[SqlSession]:
        with original() as c:
            run = c.execute

            def note(sql: str, params: Sequence[Any] = ()) -> SqlSession:
                statements.append((sql, params))
                return run(sql, params)

            c.execute = note  # type: ignore[method-assign]
            yield c

    views.read = noting  # type: ignore[method-assign]
    try:
        query()
    finally:
        del views.read
    buffers, took = 0, 0.0
    with views.read() as c:
        for sql, params in statements:
            if " FROM view_" in sql:
                explained = c.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
                plan = explained.fetchall()[0][0][0]
                buffers += plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
                took += plan["Execution Time"]
    return buffers, took


def select_one(services: Services) -> None:
    """The floor of a read in process: a read transaction from the pool and one statement."""
    with services.views.read() as c:
        c.execute("SELECT 1").fetchall()


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
        )
        pids += [int(c) for c in children]
    return total / 1024
