"""Over real HTTP (uvicorn on loopback): an upload too large is refused by its size, before
its body has been read whole, whether its length is announced or it streams in chunks."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from wiring.config import Settings

from ..conftest import ADMIN_TOKEN, FakeClock
from .live_server import Live, live_server

LIMIT = 64 * 1024
BOUNDARY = "upload-boundary"
PART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
    "Content-Type: application/octet-stream\r\n\r\n"
).encode()


@pytest.fixture
def live(settings: Settings, clock: FakeClock) -> Iterator[Live]:
    with live_server(
        replace(settings, attachment_max_bytes=LIMIT, rate_per_second=0), clock
    ) as server:
        yield server


def _ticket(live: Live) -> tuple[str, str]:
    """A customer's token and one of their tickets."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=live.base_url) as http:
        person = http.post(
            "/v1/customers", json={"name": "Jane", "email": "jane@example.com"}, headers=admin
        ).json()
        mine = {"Authorization": f"Bearer {person['token']}"}
        ticket: dict[str, Any] = http.post(
            "/v1/tickets", json={"subject": "Outage", "body": "Down."}, headers=mine
        ).json()
    return person["token"], ticket["id"]


def _send_head(live: Live, ticket_id: str, token: str, framing: str) -> socket.socket:
    address = urlsplit(live.base_url)
    conn = socket.create_connection((address.hostname, address.port), timeout=30)
    conn.sendall(
        (
            f"POST /v1/tickets/{ticket_id}/attachments HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n"
        ).encode()
    )
    return conn


def _status(conn: socket.socket) -> int:
    head = conn.recv(4096).split(b"\r\n", 1)[0]
    return int(head.split()[1])


def test_an_announced_length_past_the_limit_is_413_before_the_body_is_sent(live: Live) -> None:
    token, ticket_id = _ticket(live)
    with _send_head(live, ticket_id, token, f"Content-Length: {100 * 1024 * 1024}") as conn:
        # Not one byte of the 100 MiB body is sent: the answer comes anyway.
        assert _status(conn) == 413


def test_a_streamed_file_past_the_limit_is_413_while_the_rest_is_still_unsent(
    live: Live,
) -> None:
    token, ticket_id = _ticket(live)
    with _send_head(live, ticket_id, token, "Transfer-Encoding: chunked") as conn:
        sent = 0
        for chunk in (PART_HEAD, *([b"x" * 8192] * (LIMIT // 8192 + 2))):
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        # The body never ends (no closing boundary, no last chunk): the file is refused
        # by its size alone.
        assert _status(conn) == 413
    assert sent < 2 * LIMIT
