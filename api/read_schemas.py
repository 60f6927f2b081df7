"""The answers of the projection reads (queues, search, SLA timers, the audit log, the event
feed, the mail outbox, the daily report): typed, so that the OpenAPI document describes
every field and a generated client parses them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from domain.sla import SLAState
from domain.values import Priority, Status
from workers.outbox import MailState

from .ticket_schemas import HistoryItem

S = TypeVar("S", bound=msgspec.Struct)


def typed(rows: Iterable[dict[str, Any]], shape: type[S]) -> list[S]:
    """A read model's rows as their typed answers."""
    return [msgspec.convert(row, shape) for row in rows]


class QueueItem(msgspec.Struct):
    """A ticket as the queues and the search list it."""

    ticket_id: UUID
    number: str
    subject: str
    status: Status
    priority: Priority
    department_id: UUID | None
    assignee_id: UUID | None
    customer_id: UUID | None
    created_at: str
    last_activity_at: str
    first_response_due: str | None
    resolution_due: str | None
    next_response_due: str | None
    """After a customer message awaiting an answer, when the plan sets the target."""
    sla_state: SLAState
    business_minutes_left: float | None
    """Until the earliest open due time (negative once overdue); null when none is open
    or the clock is paused."""


class QueueList(msgspec.Struct):
    items: list[QueueItem]
    next_cursor: str | None


class TimerItem(msgspec.Struct):
    """A running SLA clock."""

    ticket_id: UUID
    department_id: UUID | None
    status: Status
    plan_id: UUID | None
    plan_version: int | None
    cycle: int | None
    first_response_due: str | None
    resolution_due: str | None
    next_response_due: str | None
    """After a customer message awaiting an answer, when the plan sets the target."""
    sla_state: SLAState
    next_alarm: str | None
    business_minutes_left: float | None


class TimerList(msgspec.Struct):
    items: list[TimerItem]
    next_cursor: str | None


class AuditEvent(HistoryItem):
    """A ticket's event as the audit log shows it."""

    ticket_id: UUID


class AuditList(msgspec.Struct):
    items: list[AuditEvent]
    next_cursor: str | None


class FeedEvent(HistoryItem):
    """Any recorded fact as the event feed shows it."""

    aggregate_id: UUID
    aggregate: str
    """What the event is about: `Ticket`, `Person`, `Department`, ..."""


class EventList(msgspec.Struct):
    items: list[FeedEvent]
    next_cursor: str | None
    """The position to pass as `after` for the next page."""


class OutboxMail(msgspec.Struct):
    message_id: str
    recipient: str
    subject: str
    state: MailState
    attempts: int
    next_attempt_at: str | None
    """When the next try is due (pending mail only)."""
    sent_at: str | None
    failure: str | None
    """Why a failed mail was set aside, or why a pending one's last try did not go."""


class OutboxList(msgspec.Struct):
    items: list[OutboxMail]
    next_cursor: str | None


class QuarantinedMail(msgspec.Struct):
    sha256: str
    """The message's id: the SHA-256 of its raw bytes."""
    received_at: str
    size: int
    reason: str | None
    """Why it could not become a ticket or a reply."""


class QuarantineList(msgspec.Struct):
    items: list[QuarantinedMail]
    next_cursor: str | None


class ReportRow(msgspec.Struct):
    """One UTC day of one department (or agent); durations in minutes, business and
    wall-clock, null when nothing was measured."""

    day: str
    group_id: str | None
    created: int
    first_responses: int
    resolved: int
    reopened: int
    closed: int
    sla_breaches: int
    sla_met: int
    next_response_breaches: int
    next_response_met: int
    first_response_minutes_p50: float | None
    first_response_minutes_p90: float | None
    resolution_minutes_p50: float | None
    resolution_minutes_p90: float | None
    first_response_wall_minutes_p50: float | None
    first_response_wall_minutes_p90: float | None
    resolution_wall_minutes_p50: float | None
    resolution_wall_minutes_p90: float | None
    csat_avg: float | None


class Report(msgspec.Struct):
    items: list[ReportRow]
    next_cursor: str | None = None
