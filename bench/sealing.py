"""What sealing personal fields costs the mapper, against the same mapper not sealing.

    .venv/bin/python bench/sealing.py [--events 20000] [--store sqlite|postgres]

A ticket's life (`tests.builders.full_story`: every kind of ticket event) is encoded and
decoded over and over for many customers; the baseline is the same events through the
same mapper with no keys (plain text, as before sealing). Reported: microseconds per event
each way and the ratio, so that a noisy machine still tells what sealing adds. Keys are
read through the store's key table, as in a server (cached per customer).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch import scratch_store
from tests.builders import full_story
from wiring.encoding import MsgspecMapper
from wiring.event_store import open_keys


def _per_event(work: Callable[[], int]) -> float:
    started = time.perf_counter()
    count = work()
    return (time.perf_counter() - started) / count * 1e6


def _stories(events: int) -> list[list[Any]]:
    story = full_story()
    stories = []
    for _ in range(max(1, events // len(story))):
        customer = uuid4()
        retold = [_retold(e, customer) for e in story]
        stories.append(retold)
    return stories


def _retold(event: Any, customer: Any) -> Any:
    copy = object.__new__(type(event))
    state = dict(vars(event))
    if "customer_id" in state:
        state["customer_id"] = customer
    object.__setattr__(copy, "__dict__", state)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with scratch_store(args.store) as settings:
        keys = open_keys(settings)
        sealing, plain = MsgspecMapper(transcoder=None), MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
        sealing.keys = keys
        stories = _stories(args.events)
        for mapper, name in ((plain, "plain"), (sealing, "sealed")):
            stored: list[Any] = []

            def encode(mapper: MsgspecMapper = mapper, stored: list[Any] = stored) -> int:
                for story in stories:
                    stored.extend(mapper.to_stored_event(e) for e in story)
                return len(stored)

            def decode(mapper: MsgspecMapper = mapper, stored: list[Any] = stored) -> int:
                for s in stored:
                    mapper.to_domain_event(s)
                return len(stored)

            up, down = _per_event(encode), _per_event(decode)
            print(f"{name:>7}: encode {up:6.1f} µs/event, decode {down:6.1f} µs/event")
            if name == "plain":
                base = (up, down)
        print(f"  ratio: encode {up / base[0]:.2f}x, decode {down / base[1]:.2f}x the plain mapper")
        keys.close()


if __name__ == "__main__":
    main()
