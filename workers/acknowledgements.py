"""The cap on acknowledgements: at most one an hour to one address, so that two desks
(or a desk and an auto-responder that ignores `Auto-Submitted`) cannot acknowledge each
other's mail for ever."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.timefmt import rfc3339
from projections.sql_session import SqlSession
from projections.view_store import ViewStore

WINDOW = timedelta(hours=1)
_TABLE = "CREATE TABLE IF NOT EXISTS mail_acknowledged (address TEXT PRIMARY KEY, at TEXT NOT NULL)"


def install(c: SqlSession) -> None:
    c.execute(_TABLE)


def recently(views: ViewStore, address: str, now: datetime) -> bool:
    """Whether the address was acknowledged within the window before `now`."""
    with views.read() as c:
        row = c.execute(
            "SELECT at FROM mail_acknowledged WHERE address = ?", (address.lower(),)
        ).fetchone()
    return row is not None and str(row[0]) > rfc3339(now - WINDOW)


def note(c: SqlSession, addresses: Iterable[str], now: datetime) -> None:
    c.executemany(
        "INSERT INTO mail_acknowledged (address, at) VALUES (?, ?)"
        " ON CONFLICT (address) DO UPDATE SET at = excluded.at",
        [(a.lower(), rfc3339(now)) for a in dict.fromkeys(addresses)],
    )


def forget(c: SqlSession, address: str) -> None:
    """An erased customer's address is not kept even as a mark."""
    c.execute("DELETE FROM mail_acknowledged WHERE address = ?", (address.lower(),))
