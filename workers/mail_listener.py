"""The inbound SMTP listener (`ticketing worker mail-in`, or `serve` in the embedded
mode): it says `250` to a message only once the raw bytes are committed to the store,
`451` (try again later) while the store cannot take them, and `552` above the size
limit, which aiosmtpd enforces while the data arrives, so an oversized message is never
held whole. It accepts any recipient: routing is the mail-in worker's business, and a
refusal here would bounce mail that a department address should have taken."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiosmtpd.controller import Controller

from projections.view_store import ViewStore

from . import mail_store
from .notifier import STORE_ERRORS

_log = logging.getLogger("ticketing.mail_in")


class Inbound:
    """The aiosmtpd handler: DATA stores, off the event loop."""

    def __init__(
        self,
        views: ViewStore,
        clock: Callable[[], datetime],
        on_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self.views = views
        self.clock = clock
        self.on_stored = on_stored

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            sha = await loop.run_in_executor(None, mail_store.store, self.views, raw, self.clock())
        except STORE_ERRORS as e:
            _log.warning("inbound mail not stored (%s); the sender will retry", e)
            return "451 4.3.0 Temporarily unable to store the message; try again later"
        self.on_stored()
        return f"250 2.0.0 Stored as {sha}"


def listener(
    views: ViewStore,
    clock: Callable[[], datetime],
    host: str,
    port: int,
    max_bytes: int,
    on_stored: Callable[[], None] = lambda: None,
) -> Controller:
    """A listener, not yet started (`start()`, `stop()`)."""
    return Controller(
        Inbound(views, clock, on_stored),
        hostname=host,
        port=port,
        data_size_limit=max_bytes,
        decode_data=False,
        server_hostname="ticketing",
    )
