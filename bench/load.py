"""The load side of `bench/commands.py`: client threads, their tallies, and the floor
(raw INSERT + COMMIT) measured with the same concurrency."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

CREATES_EVERY = 5  # one create, then four replies: roughly 1 create per 4 replies
REPLY_BODY = "Thanks, we are looking into it. " * 6  # ~200 characters, a typical reply
PAYLOAD = json.dumps({"body": REPLY_BODY, "author": "x" * 36, "kind": "reply", "at": "z" * 27})


@dataclass
class Tally:
    """One thread's results; merged after the run so the hot loop takes no locks."""

    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.ok += other.ok
        self.errors.update(other.errors)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile; good enough for thousands of samples."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


class Api:
    """A persistent keep-alive connection; http.client keeps client CPU low, which matters
    because the clients share the machine's cores with the server and PostgreSQL."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(
        self, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            self.conn.request(method, path, json.dumps(body) if body else None, headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise

    def close(self) -> None:
        self.conn.close()


def register(api: Api, admin_token: str, kind: str, i: int) -> str:
    status, raw = api.call(
        "POST",
        f"/v1/{kind}",
        admin_token,
        {"name": f"Bench {kind} {i}", "email": f"{kind}{i}@bench.example"},
    )
    if status != 201:
        raise RuntimeError(f"registering {kind} {i}: {status} {raw[:300]!r}")
    return str(json.loads(raw)["token"])


def http_load(port: int, customer: str, agent: str, stop: threading.Event, tally: Tally) -> None:
    """One client: create a ticket as its customer every fifth command, otherwise reply to
    its own tickets in turn, alternating the customer's and the agent's voice."""
    api, tickets, step = Api(port), list[str](), 0
    try:
        while not stop.is_set():
            if step % CREATES_EVERY == 0 or not tickets:
                path, token = "/v1/tickets", customer
                body = {"subject": f"Bench ticket {step}", "body": REPLY_BODY}
            else:
                path = f"/v1/tickets/{tickets[step % len(tickets)]}/replies"
                token, body = (customer if step % 2 else agent), {"body": REPLY_BODY}
            step += 1
            started = time.perf_counter()
            try:
                status, raw = api.call("POST", path, token, body)
            except (OSError, http.client.HTTPException) as e:
                tally.errors[f"{type(e).__name__}: {e}"] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            if 200 <= status < 300:
                tally.ok += 1
                if path == "/v1/tickets":
                    tickets.append(json.loads(raw)["id"])
            else:
                tally.errors[f"{status} {raw[:300].decode(errors='replace')}"] += 1
    finally:
        api.close()


def raw_load(url: str, stop: threading.Event, tally: Tally) -> None:
    """The floor: one durable single-row commit per iteration, nothing else."""
    with psycopg.connect(url) as conn:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                conn.execute("INSERT INTO bench_raw (payload) VALUES (%s::jsonb)", (PAYLOAD,))
                conn.commit()
            except psycopg.Error as e:
                conn.rollback()
                tally.errors[f"{type(e).__name__}: {e}"] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.ok += 1


def run_threads(
    n: int, seconds: float, target: Callable[[int, threading.Event, Tally], None]
) -> tuple[Tally, float]:
    """n threads for `seconds`; returns merged results and the real elapsed time."""
    stop, tallies = threading.Event(), [Tally() for _ in range(n)]
    threads = [
        threading.Thread(target=target, args=(i, stop, tallies[i]), daemon=True) for i in range(n)
    ]
    started = time.perf_counter()
    try:
        for t in threads:
            t.start()
        stop.wait(seconds)
    finally:
        stop.set()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - started
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    total.latencies.sort()
    return total, elapsed
