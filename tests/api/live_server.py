"""The app under a real server (uvicorn, in a thread of the test, on a free port of
loopback), for tests whose requests must really travel over HTTP."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import uvicorn
from litestar import Litestar

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import Services, build_services

from ..conftest import FakeClock

STARTUP_POLLS = 3000
"""Looks (10 ms apart) at whether the server has started, before giving up."""


@dataclass(frozen=True)
class Live:
    services: Services
    base_url: str


@contextmanager
def live_server(
    settings: Settings,
    clock: FakeClock | Callable[[], datetime],
    app: Callable[[Services], Litestar] = create_app,
) -> Iterator[Live]:
    """The app (the API, or another composition of it) on a fresh store, served until the
    block ends."""
    migrate(settings)
    services = build_services(settings, clock=clock)
    server = uvicorn.Server(uvicorn.Config(app(services), log_level="warning"))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listening.getsockname()[1]}"
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        for _ in range(STARTUP_POLLS):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        assert server.started, "the server did not start"
        yield Live(services, base_url)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        listening.close()
