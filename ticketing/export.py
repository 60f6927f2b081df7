"""`ticketing events export`: the event log as JSON lines or CSV, streamed in batches
(constant memory), with a progress bar on standard error."""

from __future__ import annotations

import csv
import sys
import time
from typing import IO, Any

import msgspec

from api.csv_text import cell
from readside.event_feed import EventFeed
from wiring.config import Settings
from wiring.event_store import open_helpdesk

COLUMNS = (
    "position",
    "aggregate",
    "aggregate_id",
    "version",
    "type",
    "occurred_at",
    "actor_id",
    "actor_role",
    "correlation_id",
    "causation_id",
    "data",
)
_json = msgspec.json.Encoder()


def export(settings: Settings, after: int, fmt: str, out: IO[str]) -> int:
    helpdesk = open_helpdesk(settings)
    try:
        head = helpdesk.recorder.max_notification_id() or 0
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(COLUMNS)
        started, count = time.monotonic(), 0
        for item in EventFeed(helpdesk.recorder, helpdesk.mapper).after(after):
            plain: dict[str, Any] = msgspec.to_builtins(item)
            if writer is not None:
                writer.writerow(
                    [
                        cell(_json.encode(plain[c]).decode() if c == "data" else plain[c])
                        for c in COLUMNS
                    ]
                )
            else:
                out.write(_json.encode(plain).decode() + "\n")
            count += 1
            if count % 5000 == 0:
                _progress(plain["position"], head, count, started)
        _progress(head, head, count, started)
        print(file=sys.stderr)
        return count
    finally:
        helpdesk.close()


def _progress(position: int, head: int, count: int, started: float) -> None:
    rate = count / max(time.monotonic() - started, 1e-6)
    done = position / head if head else 1.0
    print(
        f"\rexported {count:,} events, {done:6.1%} of the log, {rate:,.0f} events/s",
        end="",
        file=sys.stderr,
        flush=True,
    )
