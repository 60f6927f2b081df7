"""Command throughput of the production topology, next to the floor PostgreSQL sets.

An event-sourced command is at least one durable commit, so the honest yardstick for
"how fast are commands" is how fast this machine's PostgreSQL does a single-row
INSERT + COMMIT with the same concurrency. The ratio between the two says how much the
HTTP layer, authentication, aggregate loading and event encoding cost on top of that.
The topology is the production one: `ticketing serve --workers N` and a separate
`ticketing worker all`; CPU per command is read from /proc for the API processes, the
worker process (until it has caught up) and the database's PostgreSQL backends.

Run: .venv/bin/python bench/commands.py [--seconds 5] [--clients 1,8,16] [--workers 1]
     [--server granian|uvicorn]
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from dataclasses import dataclass

import psycopg

from bench.load import Api, Tally, http_load, percentile, raw_load, register, run_threads
from bench.topology import Backends, Child, Server, settle

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ADMIN_TOKEN = secrets.token_urlsafe(24)
UNLIMITED = {"TICKETING_RATE_LIMIT": "1000000"}
"""The limiter runs, but a client may send as fast as the server answers."""


@dataclass
class Row:
    clients: int
    http: Tally
    http_s: float
    raw: Tally
    raw_s: float
    cpu: dict[str, float]
    """CPU seconds spent during the HTTP run by the API, the worker and PostgreSQL."""


def measure(
    clients: int,
    seconds: float,
    server: Server,
    worker: Child,
    pg: Backends,
    db_url: str,
    people: list[tuple[str, str]],
) -> Row:
    parts: dict[str, Child | Backends] = {"api": server, "worker": worker, "pg": pg}
    before = {name: part.cpu_seconds() for name, part in parts.items()}
    port = server.port
    http_t, http_s = run_threads(
        clients, seconds, lambda i, stop, t: http_load(port, *people[i], stop, t)
    )
    settle(worker)
    cpu = {name: part.cpu_seconds() - before[name] for name, part in parts.items()}
    raw_t, raw_s = run_threads(clients, seconds, lambda _i, stop, t: raw_load(db_url, stop, t))
    return Row(clients, http_t, http_s, raw_t, raw_s, cpu)


def report(args: argparse.Namespace, rows: list[Row]) -> None:
    print(
        f"cores: {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}); server {args.server}"
        f" --workers {args.workers} + `ticketing worker all`; {args.seconds:g}s each"
    )
    print(
        f"{'clients':>7}{'cmd/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'raw/s':>9}"
        f"{'raw p99':>8}{'ratio':>7}{'API ms':>8}{'wrk ms':>8}{'PG ms':>7}{'sum ms':>8}"
    )
    for r in rows:
        per_s, raw_per_s = r.http.ok / r.http_s, r.raw.ok / r.raw_s
        p50, p99 = (percentile(r.http.latencies, q) * 1e3 for q in (0.5, 0.99))
        raw_p99 = percentile(r.raw.latencies, 0.99) * 1e3
        ms = {k: v * 1e3 / max(1, r.http.ok) for k, v in r.cpu.items()}
        print(
            f"{r.clients:>7}{per_s:>9.1f}{p50:>8.2f}{p99:>8.2f}{sum(r.http.errors.values()):>7}"
            f"{raw_per_s:>9.1f}{raw_p99:>8.2f}{per_s / raw_per_s:>7.3f}{ms['api']:>8.2f}"
            f"{ms['worker']:>8.2f}{ms['pg']:>7.2f}{sum(ms.values()):>8.2f}"
        )
        for name, t in (("HTTP", r.http), ("raw", r.raw)):
            for error, count in t.errors.most_common(5):
                print(f"  {name} error x{count}: {error}")


def enrol(api: Api, kind: str, i: int) -> str:
    return register(api, ADMIN_TOKEN, kind, i)


def _interrupt(*_: object) -> None:
    """SIGTERM takes the same cleanup path as Ctrl-C."""
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per run")
    parser.add_argument("--clients", default="1,8,16", help="client threads, comma-separated")
    parser.add_argument("--workers", type=int, default=1, help="API processes")
    parser.add_argument("--server", default="granian", choices=("granian", "uvicorn"))
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    signal.signal(signal.SIGTERM, _interrupt)

    dbname = f"bench_{secrets.token_hex(6)}"
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    env = {"TICKETING_DATABASE_URL": db_url, "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN, **UNLIMITED}
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    children: list[Child] = []
    try:
        admin.execute(f'CREATE DATABASE "{dbname}"')
        server = Server(env, args.workers, args.server)
        children.append(server)
        server.wait_ready()  # `serve` migrates; the worker starts on the tables it made
        worker = Child(["worker", "all"], env)
        children.append(worker)
        setup = Api(server.port)
        people = [
            (enrol(setup, "customers", i), enrol(setup, "agents", i)) for i in range(max(clients))
        ]
        setup.close()
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload jsonb)")
        pg = Backends(PG_ADMIN_URL, dbname)
        rows = [measure(n, args.seconds, server, worker, pg, db_url, people) for n in clients]
        report(args, rows)
        return 0
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        for child in reversed(children):
            lines = [line for line in child.stop().splitlines() if line.strip()]
            noise = [line for line in lines if "Traceback" in line or "Error" in line]
            if noise:
                print("child output:\n" + "\n".join(lines[-40:]), file=sys.stderr)
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    raise SystemExit(main())
