"""A real Chromium (Debian's, driven by Playwright; no browser download) against the app
with its console under a real server process on loopback. Without the browser the tests
skip saying why, except under CI=true, where they must run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.services import utc_now

from ..api.live_server import Live, live_server
from ..conftest import ADMIN_TOKEN

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("TICKETING_SCREENSHOTS", "/tmp/ticketing-console-shots"))
"""Screenshots of the main pages, for people to look at (never committed)."""
SMALL_FILE = 100_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def live(sqlite_url: str) -> Iterator[Live]:
    """The real clock: the browser's countdown runs on it."""
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, embedded_workers=True)
    with live_server(settings, utc_now, with_console) as served:
        yield served


@pytest.fixture
def small_live(sqlite_url: str) -> Iterator[Live]:
    """Files limited to SMALL_FILE bytes, to be passed by a file a browser sends quickly."""
    settings = Settings(
        database_url=sqlite_url,
        admin_token=ADMIN_TOKEN,
        embedded_workers=True,
        attachment_max_bytes=SMALL_FILE,
    )
    with live_server(settings, utc_now, with_console) as served:
        yield served


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def api(live: Live, token: str, route: str, body: Any) -> Any:
    answer = httpx.post(
        live.base_url + route, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()
