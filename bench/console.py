"""Console page render time at a large queue, next to the JSON API's answer to the same
query in the same run.

    .venv/bin/python bench/console.py [--tickets 100000] [--requests 300]

1. A SQLite store with the console tests' organisation and one real ticket, caught up by the
   projections; its queue row is then copied to `--tickets` rows of that department,
   all assigned to the agent (the queue read model is what both pages read).
2. Baseline: `GET /v1/queues/departments/{id}` (50 items, JSON) through the app in
   process. Then the console's department queue and the agent's own queue (50 rows, HTML,
   signed in). Each reports p50/p99 in ms and its ratio to the baseline's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from litestar.testing import TestClient

from projections.keyset import keyed
from projections.queue.handlers import TICKETS, QueueProjection
from tests.console.organisation import organisation
from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.services import build_services

ADMIN = "bench-admin-token"


def post(client: TestClient[Any], token: str, route: str, body: dict[str, Any]) -> Any:
    answer = client.post(route, json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def seed(path: Path, table: str, department: str, agent: str, tickets: int) -> None:
    """Copies the one real row to `tickets` rows, ids and times spread out."""
    db = sqlite3.connect(path)
    columns = list(TICKETS.columns)
    first = db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchone()
    row = dict(zip(columns, first, strict=True))
    rows = []
    for n in range(1, tickets):
        copy = dict(row)
        copy.update(
            ticket_id=str(uuid.uuid4()),
            number=f"{10_000_000 + n}",
            subject=f"{row['subject']} {n}",
            department_id=department,
            assignee_id=agent,
            created_at=f"2026-03-02T09:{n % 60:02d}:{n % 59:02d}.{n:06d}Z",
            due_sort=f"2026-03-0{2 + n % 7}T{n % 24:02d}:00:00.{n:06d}Z",
        )
        copy = keyed(copy)  # the key columns the reads' indexes lead with
        rows.append(tuple(copy[c] for c in columns))
    marks = ", ".join("?" * len(columns))
    with db:
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    db.close()


def timed(client: TestClient[Any], path: str, requests: int, **options: Any) -> list[float]:
    for _ in range(10):
        assert client.get(path, **options).status_code == 200
    took = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = client.get(path, **options)
        took.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, answer.text
    return took


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-console-"))
    path = folder / "bench.sqlite3"
    settings = Settings(  # no rate limit: the pages are timed back to back, as one caller
        database_url=f"sqlite:///{path}",
        admin_token=ADMIN,
        embedded_workers=False,
        rate_per_second=0,
    )
    migrate(settings)
    services = build_services(settings)
    runner = Runtime(services).projection_runner()
    runner.start()
    with TestClient(with_console(services)) as client:
        made = organisation(lambda route, body: post(client, ADMIN, route, body))
        department = made.department_id
        agent_id, agent_token = made.people["agent"]
        customer = {"token": made.people["customer"][1]}
        post(
            client,
            customer["token"],
            "/v1/tickets",
            {"subject": "Online Banking Outage", "body": "I cannot log in."},
        )
        while runner.step():
            pass
        with services.views.read() as c:
            table = services.views.live_table(c, QueueProjection, TICKETS)
        started = time.perf_counter()
        seed(Path(str(settings.views_location())), table, department, agent_id, args.tickets)
        print(f"{args.tickets} queue rows in {time.perf_counter() - started:.1f} s")

        page = client.get("/console/sign-in").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        client.post("/console/sign-in", data={"csrf": csrf.group(1), "token": agent_token})
        bearer = {"headers": {"Authorization": f"Bearer {agent_token}"}}
        runs = {
            "API JSON, department queue (baseline)": timed(
                client, f"/v1/queues/departments/{department}", args.requests, **bearer
            ),
            "console, department queue": timed(
                client, f"/console/queue/departments/{department}", args.requests
            ),
            "console, my queue": timed(client, "/console/queue", args.requests),
        }
    services.close()
    shutil.rmtree(folder, ignore_errors=True)
    base = p(next(iter(runs.values())), 99)
    print(f"{'page':40} {'p50 ms':>8} {'p99 ms':>8} {'p99/baseline':>13}")
    for name, took in runs.items():
        print(f"{name:40} {p(took, 50):8.1f} {p(took, 99):8.1f} {p(took, 99) / base:13.2f}")


if __name__ == "__main__":
    main()
