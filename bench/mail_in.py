"""Inbound mail throughput, next to the floor the store sets.

Two stages, each on a fresh store of the chosen kind:
- ingest: real SMTP conversations with the listener (one connection, one message each,
  as an MTA delivers), each answered 250 only once the raw bytes are committed; the
  baseline is the same bytes as single-row INSERT + COMMIT into a bare table of the same
  store, which is what "durable before 250" costs at the least;
- settle: the mail-in worker turning the stored messages into customers and tickets
  (parse, customer, ticket, idempotency records, thread ids), per second.

Run: .venv/bin/python bench/mail_in.py [--store sqlite|postgres] [--messages 300]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wiring.config import Settings  # noqa: E402
from wiring.migrate import migrate  # noqa: E402
from wiring.runtime import Runtime  # noqa: E402
from wiring.services import build_services  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def messages(count: int) -> list[bytes]:
    out = []
    for n in range(count):
        mail = EmailMessage()
        mail["From"] = f"Customer {n} <customer-{n}@customer.example>"
        mail["To"] = "support@desk.example"
        mail["Subject"] = f"Printer {n} is down"
        mail["Message-ID"] = f"<bench-{n}-{uuid.uuid4().hex}@customer.example>"
        mail.set_content("The printer on floor 3 shows error E42.\n" * 20)
        out.append(mail.as_bytes(policy=mail.policy.clone(linesep="\r\n")))
    return out


def store_url(kind: str, scratch: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{scratch}/bench.sqlite3"
    name = f"bench_mail_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ingest(settings: Settings, raws: list[bytes]) -> float:
    services = build_services(settings)
    controller = Runtime(services).mail_listener()
    controller.start()
    host, port = settings.mail_in_address()
    started = time.perf_counter()
    for raw in raws:
        with smtplib.SMTP(host, port, local_hostname="mta.example") as smtp:
            smtp.sendmail("customer@customer.example", ["support@desk.example"], raw)
    elapsed = time.perf_counter() - started
    controller.stop()
    services.close()
    return len(raws) / elapsed


def baseline(settings: Settings, raws: list[bytes]) -> float:
    """The same bytes, one INSERT + COMMIT each, into a bare table of the same store,
    as durable as the listener's (a synced commit)."""
    services = build_services(settings)
    views = services.views
    with views.write() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_raw (k TEXT PRIMARY KEY, raw BYTEA)")
    started = time.perf_counter()
    for raw in raws:
        with views.durable_write() as c:
            c.execute("INSERT INTO bench_raw (k, raw) VALUES (?, ?)", (uuid.uuid4().hex, raw))
    elapsed = time.perf_counter() - started
    services.close()
    return len(raws) / elapsed


def settle(settings: Settings, count: int) -> float:
    services = build_services(settings)
    worker = Runtime(services).mail_in()
    started = time.perf_counter()
    while worker.step():
        pass
    elapsed = time.perf_counter() - started
    services.close()
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    raws = messages(args.messages)
    with tempfile.TemporaryDirectory() as scratch:
        url = store_url(args.store, Path(scratch))
        settings = replace(Settings(database_url=url), mail_in_listen=f"127.0.0.1:{free_port()}")
        migrate(settings)
        floor = baseline(settings, raws)
        ingested = ingest(settings, raws)
        settled = settle(settings, len(raws))
    print(f"store {args.store}, {len(raws)} messages of {len(raws[0])} bytes")
    print(f"raw INSERT+COMMIT baseline  {floor:9.1f} /s")
    print(f"ingested over SMTP (250)    {ingested:9.1f} /s  ({ingested / floor:.2f} of baseline)")
    print(f"settled into tickets        {settled:9.1f} /s  ({settled / floor:.2f} of baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
