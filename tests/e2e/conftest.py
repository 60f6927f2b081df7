"""The end-to-end fixtures: a real `ticketing serve` process on each store, and a real
SMTP server (aiosmtpd) that collects every mail the notifier sends."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "e2e-admin-token"
READY_SECONDS = 30.0
STOP_SECONDS = 15.0
POLL_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def poll(what: str, probe: Callable[[], Any], timeout: float = POLL_SECONDS) -> tuple[Any, float]:
    """Calls `probe` until it answers something truthy; that answer and the seconds it took."""
    start = time.monotonic()
    delay = 0.01
    while True:
        found = probe()
        if found:
            return found, time.monotonic() - start
        if time.monotonic() - start > timeout:
            pytest.fail(f"{what}: not visible within {timeout} s")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.1)


@dataclass(frozen=True)
class Mail:
    recipients: tuple[str, ...]
    subject: str
    text: str
    """Every text part (plain and HTML), decoded."""


class Inbox:
    """An aiosmtpd handler keeping each message it is given."""

    def __init__(self) -> None:
        self._mails: list[Mail] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        mail = Mail(tuple(envelope.rcpt_tos), str(message["Subject"]), "\n".join(parts))
        with self._lock:
            self._mails.append(mail)
        return "250 Message accepted for delivery"

    def mails(self) -> list[Mail]:
        with self._lock:
            return list(self._mails)

    def wait_for(self, what: str, match: Callable[[Mail], bool]) -> tuple[Mail, float]:
        def probe() -> Mail | None:
            return next((m for m in self.mails() if match(m)), None)

        mail, took = poll(what, probe)
        return mail, took


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Server:
    store: str
    base_url: str
    log: Path


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server was not ready within {READY_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)


def without_workers(database_url: str, **env: str) -> dict[str, str]:
    """The environment of a `ticketing serve` on the store that runs no workers."""
    return os.environ | {
        "TICKETING_DATABASE_URL": database_url,
        "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN,
        "TICKETING_EMBEDDED_WORKERS": "false",
        **env,
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, smtp: tuple[Inbox, int]
) -> Iterator[Server]:
    """`ticketing serve` with the workers embedded, on a fresh store of its own."""
    database_url = request.getfixturevalue(f"{request.param}_url")
    env = {
        **os.environ,
        "TICKETING_DATABASE_URL": database_url,
        "TICKETING_ADMIN_TOKEN": ADMIN_TOKEN,
        "TICKETING_SMTP_URL": f"smtp://127.0.0.1:{smtp[1]}",
        "TICKETING_EMBEDDED_WORKERS": "true",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "server.log"
    with serving(env, log) as base_url:
        yield Server(request.param, base_url, log)


@contextmanager
def serving(env: dict[str, str], log: Path, *options: str) -> Iterator[str]:
    """`ticketing serve` with these options, its output in `log`, until the block ends;
    the base URL it listens on."""
    port = free_port()
    command = [sys.executable, "-m", "ticketing.cli", "serve", *options]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(process, base_url, log)
        yield base_url
    finally:
        _stop(process)
