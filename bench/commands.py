"""Command throughput of the real HTTP service, next to the floor PostgreSQL sets.

An event-sourced command is at least one durable commit, so the honest yardstick for
"how fast are commands" is how fast this machine's PostgreSQL does a single-row
INSERT + COMMIT with the same concurrency. The ratio between the two says how much the
HTTP layer, authentication, aggregate loading and event encoding cost on top of that.

Run: .venv/bin/python bench/commands.py [--seconds 10] [--threads 8] [--workers 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ADMIN_TOKEN = secrets.token_urlsafe(24)
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


class Server:
    """The real `ticketing serve` in a child process, on its own database and port."""

    def __init__(self, database_url: str, workers: int) -> None:
        self.port = free_port()
        self.log: TextIO = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        env = os.environ | {
            "TICKETING_DATABASE_URL": database_url,
            "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN,
        }
        cmd = [
            str(ROOT / ".venv/bin/ticketing"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        # Own session: Ctrl-C reaches only us, and we stop the server in order.
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session's group only
                self.proc.wait()


def register(api: Api, kind: str, i: int) -> str:
    status, raw = api.call(
        "POST",
        f"/v1/{kind}",
        ADMIN_TOKEN,
        {"name": f"Bench {kind} {i}", "email": f"{kind}{i}@bench.example"},
    )
    if status != 201:
        raise RuntimeError(f"registering {kind} {i}: {status} {raw[:300]!r}")
    return str(json.loads(raw)["token"])


def http_load(port: int, customer: str, agent: str, stop: threading.Event, tally: Tally) -> None:
    """One client: create a ticket as its customer every fifth command, otherwise reply to
    its own tickets in turn, alternating the customer's and the agent's voice."""
    api, tickets, step = Api(port), [], 0
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
    for t in tallies:
        total.merge(t)
    total.latencies.sort()
    return total, elapsed


def report(
    args: argparse.Namespace, http_t: Tally, http_s: float, raw_t: Tally, raw_s: float
) -> None:
    print(
        f"cores: {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}); "
        f"threads {args.threads}; server workers {args.workers}; {args.seconds:g}s each"
    )
    print(f"{'':<26}{'ok':>8}{'errors':>8}{'per s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, t, s in (("HTTP commands", http_t, http_s), ("raw INSERT+COMMIT", raw_t, raw_s)):
        p50, p99 = (percentile(t.latencies, q) * 1e3 for q in (0.5, 0.99))
        print(
            f"{name:<26}{t.ok:>8}{sum(t.errors.values()):>8}{t.ok / s:>10.1f}{p50:>9.2f}{p99:>9.2f}"
        )
    ratio = (http_t.ok / http_s) / (raw_t.ok / raw_s) if raw_t.ok else float("nan")
    print(f"ratio {ratio:.2f} (HTTP commands per raw INSERT+COMMIT)")
    for name, t in (("HTTP", http_t), ("raw", raw_t)):
        for error, count in t.errors.most_common(10):
            print(f"{name} error x{count}: {error}")


def _interrupt(*_: object) -> None:
    """SIGTERM takes the same cleanup path as Ctrl-C."""
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)

    dbname = f"bench_{secrets.token_hex(6)}"
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    server: Server | None = None
    try:
        admin.execute(f'CREATE DATABASE "{dbname}"')
        server = Server(db_url, args.workers)
        server.wait_ready()
        setup = Api(server.port)
        people = [
            (register(setup, "customers", i), register(setup, "agents", i))
            for i in range(args.threads)
        ]
        setup.close()
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload jsonb)")

        port = server.port
        http_t, http_s = run_threads(
            args.threads, args.seconds, lambda i, stop, t: http_load(port, *people[i], stop, t)
        )
        raw_t, raw_s = run_threads(
            args.threads, args.seconds, lambda _i, stop, t: raw_load(db_url, stop, t)
        )
        report(args, http_t, http_s, raw_t, raw_s)
        return 0
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
            tail = [line for line in server.output().splitlines() if line.strip()][2:]
            if tail:  # anything past the two startup lines is a warning or a traceback
                print("server output:\n" + "\n".join(tail[-40:]), file=sys.stderr)
            server.log.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    raise SystemExit(main())
