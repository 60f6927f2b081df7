"""`/metrics` under `ticketing serve --workers 2`: one truth whichever process answers.
The requests are spread over both processes (each connection is new, several at once),
and every scrape, served by either, counts all of them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ..api.metrics_text import samples, total, value
from .conftest import ADMIN_TOKEN, poll, serving

HITS = 60
SCRAPES = 12
LATENCY_COUNT = "ticketing_http_request_duration_seconds_count"


@pytest.fixture
def two_processes(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The server with two API processes; its metrics directory is the test's, so that
    the test can see that both processes wrote to it."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"a stale file from an earlier run")
    env = {
        **os.environ,
        "TICKETING_DATABASE_URL": postgres_url,
        "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
        "PYTHONUNBUFFERED": "1",
    }
    with serving(env, tmp_path / "server.log", "--workers", "2") as base_url:
        yield base_url, shared


def hit(url: str) -> int:
    return httpx.get(url, timeout=30).status_code


def writers(shared: Path) -> set[str]:
    """The processes that have counted requests (one file per process and kind)."""
    return {
        m.group(1)
        for p in shared.glob("histogram_*.db")
        if (m := re.search(r"_(\d+)\.db$", p.name))
    }


@pytest.mark.postgres
def test_every_process_answers_the_same_counts(two_processes: tuple[str, Path]) -> None:
    base_url, shared = two_processes
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(hit, [f"{base_url}/healthz"] * HITS + [f"{base_url}/v1/tickets"] * HITS)
        )
    assert answers == [200] * HITS + [401] * HITS
    assert len(writers(shared)) == 2, "the requests all went to one process"

    def healthz(text: str) -> float | None:
        return value(text, LATENCY_COUNT, route="/healthz", method="GET", status_class="2xx")

    poll("every hit counted", lambda: healthz(httpx.get(f"{base_url}/metrics").text) == HITS)
    scrapes = [httpx.get(f"{base_url}/metrics").text for _ in range(SCRAPES)]

    for text in scrapes:
        assert healthz(text) == HITS
        assert (
            value(text, LATENCY_COUNT, route="/v1/tickets", method="GET", status_class="4xx")
            == HITS
        )
        assert value(text, "ticketing_http_responses_total", method="GET", status="401") == HITS
        buckets = [
            n
            for labels, n in samples(text, "ticketing_http_request_duration_seconds_bucket")
            if labels["route"] == "/healthz"
        ]
        assert len(buckets) > 2
        assert buckets[-1] == HITS
    served = {
        total(text, LATENCY_COUNT) - total(text, LATENCY_COUNT, route="/metrics")
        for text in scrapes
    }
    assert len(served) == 1, served
    assert value(scrapes[0], "ticketing_log_position") is not None
    assert not (shared / "counter_1.db").exists(), "the serve command empties the directory"
