"""From ticket events to queue rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from domain.personal import ERASED
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Priority

from .. import sla_clock, words
from ..base import Batch, Handler, Key, Projection, Table
from ..keyset import keyed

PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
"""Most urgent first when sorted ascending."""

SORT_COLUMNS = ("due_sort", "priority_rank", "created_at", "last_activity_at")
"""The columns a queue can be sorted by (`queries.SORTS`)."""

TICKETS = Table(
    name="view_queue",
    columns={
        "ticket_id": "TEXT NOT NULL",
        "number": "TEXT NOT NULL",
        "subject": "TEXT NOT NULL",
        "status": "TEXT NOT NULL",
        "priority": "TEXT NOT NULL",
        "priority_rank": "INTEGER NOT NULL",
        "department_id": "TEXT",
        "assignee_id": "TEXT",
        "customer_id": "TEXT",
        "created_at": "TEXT NOT NULL",
        "last_activity_at": "TEXT NOT NULL",
        "first_response_due": "TEXT",
        "resolution_due": "TEXT",
        "next_response_due": "TEXT",
        "due_sort": "TEXT NOT NULL",
        "sla_state": "TEXT NOT NULL",
        "sla_clock": "TEXT",
        "resolved_at": "TEXT",
        "version": "INTEGER NOT NULL",
        "department_key": "TEXT NOT NULL",
        "assignee_key": "TEXT NOT NULL",
    },
    key=("ticket_id",),
    personal=True,
    indexes=(
        *(
            (*lead, "status", sort, "ticket_id")
            for sort in SORT_COLUMNS
            for lead in (("department_key",), ("department_key", "assignee_key"), ("assignee_key",))
        ),
        ("status", "created_at", "ticket_id"),
        ("created_at", "ticket_id"),
        ("customer_id", "status", "created_at", "ticket_id"),
        ("number",),
        ("status", "resolved_at"),
    ),
)
"""One index per sort for each filter a queue or search leads with (department; department
and assignee; assignee), then the status, so that a page is a range of each (`keyset`);
search's by status and by customer; creation alone, for a text search whose terms are
common (walked newest first, each ticket's words checked); the number."""

WORDS = Table(
    name="view_queue_words",
    columns={"ticket_id": "TEXT NOT NULL", "words": "TEXT NOT NULL"},
    key=("ticket_id",),
    text="words",
    personal=True,
)
"""What text search finds a ticket by: the tokens of its subject and messages (`words`)."""

Effect = Callable[[Any], dict[str, Any]]

EFFECTS: dict[type[Any], Effect] = {
    Ticket.Assigned: lambda e: {"assignee_id": _text(e.agent_id)},
    Ticket.Transferred: lambda e: {"department_id": str(e.department_id)},
    Ticket.StatusChanged: lambda e: {"status": e.status.value},
    Ticket.PriorityChanged: lambda e: {
        "priority": e.priority.value,
        "priority_rank": PRIORITY_RANK[e.priority],
    },
    Ticket.Resolved: lambda e: {"status": "resolved", "resolved_at": rfc3339(e.timestamp)},
    Ticket.Closed: lambda e: {"status": "closed"},
    Ticket.Reopened: lambda e: {"status": "open", "resolved_at": None},
    Ticket.Replied: lambda e: {},
    Ticket.NoteAdded: lambda e: {},
    Ticket.Reviewed: lambda e: {},
}
"""What each event changes in its ticket's row, besides the activity time and SLA."""


def created(batch: Batch, event: Ticket.Created, _: int) -> None:
    at = rfc3339(event.timestamp)
    batch.insert(
        TICKETS,
        keyed(
            {
                "ticket_id": str(event.originator_id),
                "number": event.number,
                "subject": event.subject,
                "status": "open",
                "priority": event.priority.value,
                "priority_rank": PRIORITY_RANK[event.priority],
                "department_id": _text(event.department_id),
                "assignee_id": None,
                "customer_id": _text(event.customer_id),
                "created_at": at,
                "last_activity_at": at,
                **_sla_columns(None),
                "resolved_at": None,
                "version": event.originator_version,
            }
        ),
    )
    batch.insert(
        WORDS,
        {
            "ticket_id": str(event.originator_id),
            "words": words.indexed([event.subject, event.body]),
        },
    )


def replied(batch: Batch, event: Ticket.Replied, position: int) -> None:
    """A message's words become searchable with the ticket's subject."""
    changed(batch, event, position)
    key = (str(event.originator_id),)
    row = batch.get(WORDS, key)
    if row is not None:
        batch.put(WORDS, {**row, "words": words.merged(row["words"], event.body)})


def changed(batch: Batch, event: Ticket.Event, _: int) -> None:
    """People's acts move the last activity; the SLA clock's own events do not."""
    key = (str(event.originator_id),)
    row = batch.get(TICKETS, key)
    if row is None:
        return
    values: dict[str, Any] = {"version": event.originator_version}
    effect = EFFECTS.get(type(event))
    if effect is not None:
        values["last_activity_at"] = rfc3339(event.timestamp)
        values.update(effect(event))
    if sla_clock.moves_clock(event):
        clock = sla_clock.evolve(sla_clock.load(row["sla_clock"]), event)
        values.update(_sla_columns(clock))
    batch.put(TICKETS, keyed({**row, **values}))


def erased(batch: Batch, event: Ticket.Erased, _: int) -> None:
    """The row as a rebuild makes it once the customer's key is gone: every text reads
    `[erased]`, so the words are those of that text alone. Erasure is not activity:
    the activity time (and so sorts and reports) stays."""
    key = (str(event.originator_id),)
    batch.update(TICKETS, key, subject=ERASED, version=event.originator_version)
    batch.update(WORDS, key, words=words.indexed([ERASED]))


def _sla_columns(clock: Any) -> dict[str, Any]:
    return {k: v for k, v in sla_clock.columns(clock).items() if k in TICKETS.columns}


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


class QueueProjection(Projection):
    name = "queue"
    version = 6
    """4: the next-response due time; 5: an index for a customer's own tickets; 6: an
    index per sort and filter (on key columns, "" for none), and the words of subjects and
    messages."""
    tables = (TICKETS, WORDS)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        Ticket.Created: created,
        **{cls: changed for cls in (*EFFECTS, *sla_clock.SLA_EVENTS)},
        Ticket.Replied: replied,
        Ticket.Erased: erased,
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Event) and not isinstance(event, Ticket.Created):
            key = (str(event.originator_id),)
            if isinstance(event, Ticket.Replied | Ticket.Erased):
                return {TICKETS.name: key, WORDS.name: key}
            return {TICKETS.name: key}
        return {}
