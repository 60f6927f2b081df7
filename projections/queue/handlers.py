"""From ticket events to queue rows."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Priority

from ..base import Batch, Handler, Key, Projection, Table

PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
"""Most urgent first when sorted ascending."""

NOT_DUE = "9999-12-31T23:59:59.999999Z"
"""Sorts tickets without a due time after every ticket with one, in both stores."""

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
        "due_sort": "TEXT NOT NULL",
        "sla_state": "TEXT NOT NULL",
        "version": "INTEGER NOT NULL",
    },
    key=("ticket_id",),
    indexes=(
        ("assignee_id", "status"),
        ("department_id", "status"),
        ("due_sort", "ticket_id"),
    ),
)


def _touch(batch: Batch, event: Ticket.Event, **values: Any) -> None:
    batch.update(
        TICKETS,
        (str(event.originator_id),),
        last_activity_at=rfc3339(event.timestamp),
        version=event.originator_version,
        **values,
    )


def created(batch: Batch, event: Ticket.Created, _: int) -> None:
    at = rfc3339(event.timestamp)
    batch.insert(
        TICKETS,
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
            "first_response_due": None,
            "resolution_due": None,
            "due_sort": NOT_DUE,
            "sla_state": "none",
            "version": event.originator_version,
        },
    )


def assigned(batch: Batch, event: Ticket.Assigned, _: int) -> None:
    _touch(batch, event, assignee_id=_text(event.agent_id))


def transferred(batch: Batch, event: Ticket.Transferred, _: int) -> None:
    _touch(batch, event, department_id=str(event.department_id))


def status_changed(batch: Batch, event: Ticket.StatusChanged, _: int) -> None:
    _touch(batch, event, status=event.status.value)


def priority_changed(batch: Batch, event: Ticket.PriorityChanged, _: int) -> None:
    _touch(batch, event, priority=event.priority.value, priority_rank=PRIORITY_RANK[event.priority])


def resolved(batch: Batch, event: Ticket.Resolved, _: int) -> None:
    _touch(batch, event, status="resolved")


def closed(batch: Batch, event: Ticket.Closed, _: int) -> None:
    _touch(batch, event, status="closed")


def reopened(batch: Batch, event: Ticket.Reopened, _: int) -> None:
    _touch(batch, event, status="open")


def active(batch: Batch, event: Ticket.Event, _: int) -> None:
    """Replies, notes and reviews only move the last activity."""
    _touch(batch, event)


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


class QueueProjection(Projection):
    name = "queue"
    version = 1
    tables = (TICKETS,)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        Ticket.Created: created,
        Ticket.Assigned: assigned,
        Ticket.Transferred: transferred,
        Ticket.Replied: active,
        Ticket.NoteAdded: active,
        Ticket.StatusChanged: status_changed,
        Ticket.PriorityChanged: priority_changed,
        Ticket.Resolved: resolved,
        Ticket.Closed: closed,
        Ticket.Reopened: reopened,
        Ticket.Reviewed: active,
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Event) and not isinstance(event, Ticket.Created):
            return {TICKETS.name: (str(event.originator_id),)}
        return {}
