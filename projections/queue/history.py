"""The queue as it was: every version of every queue row, with the span it was valid for.

The queue's own handlers compute each row (so a row at any instant is exactly what the
live queue showed then); this projection keeps the row of each ticket as it is now, and
for every change closes the old row's span at the event's time and opens a new one. A
read at instant T takes the rows whose span holds T, along an index led by the filter
and the span's end, so it costs what the queue held then plus what changed since, never
the whole history. The span's start closes the index, so that the spans opened after T
(most of what the range `until_at > T` holds when T is days back) are passed over in
the index without a visit to their rows.

Spans hold no subject, the one personal text of a queue row: a subject never changes
but by its customer's erasure, after which every span must read `[erased]` as a rebuild
would. The read takes the subjects of a page's tickets from their current rows instead
(by key, one query a page: `queries.page`), so an erasure rewrites one row, not a history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from domain.ticket import Ticket
from domain.timefmt import rfc3339

from ..base import Batch, Handler, Key, Projection, Row, Table
from .handlers import TICKETS, QueueProjection

PERSONAL = ("subject",)
"""The queue row's columns of personal text, kept in the current rows only."""
OPEN_END = "9999-12-31T23:59:59.999999Z"
"""The end of a span still open (a text, so that `until_at > T` stays one index range)."""

CURRENT = Table(
    name="view_queue_history_now",
    columns={**TICKETS.columns, "since_position": "INTEGER NOT NULL", "since_at": "TEXT NOT NULL"},
    key=("ticket_id",),
    personal=True,
)
SPANS = Table(
    name="view_queue_history",
    columns={
        **{c: t for c, t in TICKETS.columns.items() if c not in PERSONAL},
        "since_position": "INTEGER NOT NULL",
        "since_at": "TEXT NOT NULL",
        "until_at": "TEXT NOT NULL",
    },
    key=("ticket_id", "since_position"),
    indexes=(
        ("department_key", "status", "until_at", "since_at"),
        ("department_key", "assignee_key", "status", "until_at", "since_at"),
        ("assignee_key", "status", "until_at", "since_at"),
        ("status", "until_at", "since_at"),
    ),
)


@dataclass
class Spans(Batch):
    """What the queue's handlers write to: their ticket rows become this projection's
    current rows, and each write also closes the old span and opens a new one."""

    inner: Batch | None = None
    position: int = 0
    at: str = ""

    def get(self, table: Table, key: Key) -> Row | None:
        """The queue's ticket rows; its other tables (the words of text search) are not
        kept here, so they read as absent and their writes are dropped."""
        if table is not TICKETS:
            return None
        row = self._inner.get(CURRENT, key)
        return None if row is None else {c: row[c] for c in TICKETS.columns}

    def insert(self, table: Table, row: Row) -> None:
        if table is TICKETS:
            self._record(row)

    def put(self, table: Table, row: Row) -> None:
        if table is TICKETS:
            self._record(row)

    @property
    def _inner(self) -> Batch:
        if self.inner is None:
            raise RuntimeError("a span batch works on another batch")
        return self.inner

    def _record(self, row: Row) -> None:
        inner = self._inner
        previous = inner.get(CURRENT, TICKETS.key_of(row))
        if previous is not None:
            inner.put(SPANS, _span(previous, self.at))
        current = {**row, "since_position": self.position, "since_at": self.at}
        inner.put(CURRENT, current)
        inner.insert(SPANS, _span(current, OPEN_END))


def _span(current: Row, until_at: str) -> Row:
    return {**{c: v for c, v in current.items() if c not in PERSONAL}, "until_at": until_at}


def spanned(batch: Batch, event: Any, position: int) -> None:
    spans = Spans(batch.source, inner=batch, position=position, at=rfc3339(event.timestamp))
    QueueProjection.handle(spans, event, position)


class QueueHistoryProjection(Projection):
    name = "queue_history"
    version = 4
    """2: the queue's key columns, and indexes led by them; 3: each index ends with the
    span's start, so spans opened after the instant are skipped inside the index;
    4: spans without the subject, read from the current rows."""
    tables = (CURRENT, SPANS)
    handlers: ClassVar[dict[type[Any], Handler]] = dict.fromkeys(QueueProjection.handlers, spanned)

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Event) and not isinstance(event, Ticket.Created):
            return {CURRENT.name: (str(event.originator_id),)}
        return {}
