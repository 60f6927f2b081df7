"""Reads at scale: every queue, search and timer read with N tickets on the desk.

    .venv/bin/python bench/scale.py [--tickets 100000] [--reads 200]

1. A fresh PostgreSQL database; the production topology: `ticketing serve` and
   `ticketing worker all`, each its own process. Ten departments of five agents each
   are set up through the API.
2. N tickets (a third unassigned, the rest assigned in their department, some answered,
   waiting, resolved or closed) made by the domain in this process (`bench/desk.py`)
   and saved through the help desk application, 500 tickets a transaction: the same
   events the commands would record, without N HTTP calls.
3. Waits until every projection has caught up (`GET /v1/projections`).
4. Times each read `--reads` times over HTTP as an agent (or a supervisor, for search),
   and the same read's query in this process against the read models (the store's part
   of it); prints p50/p99 of each, a page 40 pages deep, the ratio of each HTTP p99 to
   `GET /healthz` in the same run, and the RSS of the API and worker processes.

Target (issue 13): p99 < 10 ms at 100k tickets, and within 1.5x of the 10k figure at 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.commands import ADMIN_TOKEN, PG_ADMIN_URL
from bench.desk import Desk, tickets
from bench.load import Api
from bench.read_timing import get, http_call, rss_mb, select_one, timed, work
from bench.topology import Child, Server
from domain.sla import SLAState
from projections.queue import queries as queue
from projections.queue.handlers import QueueProjection
from projections.timers import queries as timers
from projections.timers.handlers import TimersProjection
from wiring.config import Settings
from wiring.services import Services, build_services

DEPARTMENTS = 10
AGENTS = 5


def set_up(api: Api) -> tuple[Desk, dict[str, str]]:
    """Departments and agents through the API; answers the desk and tokens by role."""
    desk = Desk(departments=[], agents={})
    tokens: dict[str, str] = {}
    for d in range(DEPARTMENTS):
        department = UUID(_posted(api, "/v1/departments", {"name": f"Department {d}"})["id"])
        desk.departments.append(department)
        desk.agents[department] = []
        for a in range(AGENTS):
            agent = _posted(
                api,
                "/v1/agents",
                {
                    "name": f"Agent {d}-{a}",
                    "email": f"agent{d}-{a}@bench.example",
                    "department_ids": [str(department)],
                },
            )
            desk.agents[department].append(UUID(agent["id"]))
            tokens.setdefault(f"agent:{agent['id']}", agent["token"])
    supervisor = _posted(
        api,
        "/v1/agents",
        {"name": "Sue", "email": "sue@bench.example", "role": "supervisor"},
    )
    tokens["supervisor"] = supervisor["token"]
    return desk, tokens


def _posted(api: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, raw = api.call("POST", path, ADMIN_TOKEN, body)
    if status != 201:
        raise RuntimeError(f"POST {path}: {status} {raw[:300]!r}")
    answer: dict[str, Any] = json.loads(raw)
    return answer


def write(services: Services, desk: Desk, count: int, direct: bool) -> float:
    """Saves the tickets through the application (the log), or with `direct` applies their
    events straight to the read models the reads use (queue and timers), at positions
    after the log's head: the same rows, without waiting for the workers."""
    started = time.perf_counter()
    made = tickets(desk, count, datetime.now(UTC))
    done, position = 0, services.log.head() if direct else 0
    while chunk := list(islice(made, 500)):
        if direct:
            events = list(enumerate((e for t in chunk for e in t.collect_events()), position + 1))
            position = events[-1][0]
            for projection in (QueueProjection, TimersProjection):
                services.views.apply(projection, events, position)
        else:
            services.helpdesk.save(*chunk)
        done += len(chunk)
        print(f"\r  wrote {done:,} tickets", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - started


def caught_up(api: Api, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        status, raw = get(api, "/v1/projections", ADMIN_TOKEN)
        items = json.loads(raw)["items"] if status == 200 else []
        behind = {i["name"]: i["lag_events"] for i in items if i["lag_events"]}
        if items and not behind:
            return time.perf_counter() - started
        print(f"\r  projections behind: {behind}", end="", file=sys.stderr, flush=True)
        time.sleep(1)
    raise RuntimeError("projections did not catch up")


Read = tuple[str, str, str, Callable[[], Any]]
"""A read's name, its HTTP path, the token it is made with, and its query in process."""


def reads(services: Services, desk: Desk, tokens: dict[str, str], api: Api) -> list[Read]:
    views, now = services.views, datetime.now(UTC)
    department = desk.departments[3]
    agent = desk.agents[department][1]
    token, sup = tokens[f"agent:{agent}"], tokens["supervisor"]
    dq = f"/v1/queues/departments/{department}"
    found: list[Read] = []
    for sort in queue.QueueSort:
        for label, path, q in (
            ("mine", "/v1/queues/mine?", queue.QueueQuery(assignee=str(agent), sort=sort)),
            ("department", f"{dq}?", queue.QueueQuery(department_id=str(department), sort=sort)),
            (
                "department unassigned",
                f"{dq}?assignee=unassigned&",
                queue.QueueQuery(department_id=str(department), assignee="unassigned", sort=sort),
            ),
        ):
            found.append(
                (
                    f"{label} sort={sort}",
                    f"{path}sort={sort}",
                    token,
                    partial(queue.page, views, q, now),
                )
            )
    deep = deep_cursor(api, sup, "/v1/tickets?limit=50", 40)
    searches: list[tuple[str, dict[str, str], str, queue.TicketSearch]] = [
        (
            "search, all, page 41 (keyset)",
            {"limit": "50", "cursor": deep},
            sup,
            queue.TicketSearch(cursor=deep),
        ),
        ("search, all", {}, sup, queue.TicketSearch()),
        (
            "search, department",
            {"department_id": str(department)},
            sup,
            queue.TicketSearch(department_id=str(department)),
        ),
        (
            "search, agent's view",
            {},
            token,
            queue.TicketSearch(within_departments=(str(department),), agent_id=str(agent)),
        ),
        ("search q=<common word>", {"q": "printer"}, sup, queue.TicketSearch(text="printer")),
        ("search q=<rare term>", {"q": "#4242"}, sup, queue.TicketSearch(text="#4242")),
        ("search q=<number>", {"q": "00004242"}, sup, queue.TicketSearch(text="00004242")),
    ]
    for label, params, caller, search in searches:
        path = "/v1/tickets" + (f"?{urlencode(params)}" if params else "")
        found.append((label, path, caller, partial(queue.search, views, search, now)))
    for label, filters, tq in (
        ("timers, all", "", timers.TimerQuery()),
        ("timers, paused", "?sla_state=paused", timers.TimerQuery(sla_state=SLAState.PAUSED)),
        (
            "timers, department",
            f"?department_id={department}",
            timers.TimerQuery(department_id=str(department)),
        ),
    ):
        found.append((label, f"/v1/sla/timers{filters}", sup, partial(timers.page, views, tq, now)))
    return found


def deep_cursor(api: Api, token: str, path: str, pages: int) -> str:
    cursor = ""
    for _ in range(pages):
        status, raw = get(api, path + (f"&cursor={cursor}" if cursor else ""), token)
        cursor = json.loads(raw)["next_cursor"] if status == 200 else ""
        if not cursor:
            raise RuntimeError(f"fewer than {pages} pages: {status} {raw[:200]!r}")
    return cursor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument(
        "--direct", action="store_true", help="apply the events to the read models, not the log"
    )
    args = parser.parse_args()
    dbname = f"bench_scale_{os.getpid()}"
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{dbname}"')
    server: Server | None = None
    worker: Child | None = None
    services: Services | None = None
    os.environ["TICKETING_RATE_LIMIT"] = "0"  # the reads are timed back to back, as one caller
    try:
        env = {"TICKETING_DATABASE_URL": db_url, "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN}
        server = Server(env, 1, "granian")
        server.wait_ready()
        worker = Child(["worker", "all"], env)
        api = Api(server.port)
        desk, tokens = set_up(api)
        services = build_services(Settings(database_url=db_url, admin_token=ADMIN_TOKEN))
        wrote = write(services, desk, args.tickets, args.direct)
        waited = 0.0 if args.direct else caught_up(api, timeout=1800)
        with services.views.write() as c:
            c.execute("ANALYZE")  # what autovacuum does to tables that grew
        print(
            f"{args.tickets:,} tickets: written in {wrote:.1f} s, projections caught up"
            f" {waited:.1f} s later"
        )
        base50, base99 = timed(http_call(api, "/healthz", ""), args.reads)
        floor50, floor99 = timed(partial(select_one, services), args.reads)
        print(f"baseline GET /healthz: p50 {base50:.2f} ms, p99 {base99:.2f} ms")
        print(
            f"baseline SELECT 1 in a read transaction: p50 {floor50:.2f} ms, p99 {floor99:.2f} ms"
        )
        print(
            f"\n{'read':34} {'HTTP p50':>8} {'p99':>7} {'/base':>6}"
            f"  {'query p50':>9} {'p99':>7} {'/base':>6}  {'buffers':>7} {'exec':>6}"
        )
        for name, path, token, query in reads(services, desk, tokens, api):
            h50, h99 = timed(http_call(api, path, token), args.reads)
            q50, q99 = timed(query, args.reads)
            buffers, took = work(services, query)
            print(
                f"{name:34} {h50:8.2f} {h99:7.2f} {h99 / base99:6.1f}"
                f"  {q50:9.2f} {q99:7.2f} {q99 / floor99:6.1f}  {buffers:7} {took:6.2f}"
            )
        print(
            f"\nRSS: API {rss_mb(server.proc.pid):.0f} MB, worker {rss_mb(worker.proc.pid):.0f} MB"
        )
        return 0
    finally:
        if services is not None:
            services.close()
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    raise SystemExit(main())
