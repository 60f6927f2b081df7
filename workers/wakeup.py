"""Wakes followers when the log grows: PostgreSQL LISTEN, or the in-process save hook."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg import sql

_log = logging.getLogger("ticketing.workers")


def listen(
    conninfo: str, channel: str, on_notify: Callable[[], None], stop: threading.Event
) -> None:
    """Calls `on_notify` on every NOTIFY of the log's channel until `stop`; reconnects on failure
    (meanwhile the followers' polling keeps them going)."""
    while not stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                while not stop.is_set():
                    for _ in conn.notifies(timeout=0.5, stop_after=1):
                        on_notify()
        except psycopg.Error as e:
            _log.warning("LISTEN %s failed (%s); retrying", channel, e)
            stop.wait(1.0)


def start_listener(
    conninfo: str, channel: str, on_notify: Callable[[], None], stop: threading.Event
) -> threading.Thread:
    thread = threading.Thread(
        target=listen, args=(conninfo, channel, on_notify, stop), name="log-listener", daemon=True
    )
    thread.start()
    return thread
