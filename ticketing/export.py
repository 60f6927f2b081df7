"""`ticketing events export`: the event log as JSON lines or CSV, streamed in batches
(constant memory), with a progress bar on standard error and a count at the end."""

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

from .progress import Bar

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
STEP = 1000
"""Events between two moves of the bar: drawing it for each would slow the export."""


def export(settings: Settings, after: int, fmt: str, out: IO[str], *, quiet: bool = False) -> int:
    helpdesk = open_helpdesk(settings)
    try:
        head = helpdesk.recorder.max_notification_id() or 0
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(COLUMNS)
        started, count = time.monotonic(), 0
        with Bar("exported", max(head - after, 0), "events", quiet=quiet) as bar:
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
                if count % STEP == 0:
                    bar.to(plain["position"] - after)
            bar.to(max(head - after, 0))
        seconds = time.monotonic() - started
        print(f"exported {count:,} events in {seconds:.1f} s", file=sys.stderr, flush=True)
        return count
    finally:
        helpdesk.close()
