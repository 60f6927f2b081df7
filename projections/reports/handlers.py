"""From ticket events to daily report rows, per department and per agent.

Counts are kept per day (UTC) and group; durations are kept one row each, so that
percentiles are exact rather than running averages. Business minutes use the
calendar of the ticket's SLA plan (wall-clock minutes without one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

import msgspec

from domain.business_time import business_minutes_between
from domain.calendar import BusinessCalendar
from domain.sla import Target
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Role

from ..base import Batch, Handler, Key, Projection, Table

COUNTS = (
    "created",
    "first_responses",
    "resolved",
    "reopened",
    "closed",
    "sla_breaches",
    "sla_met",
    "next_response_breaches",
    "next_response_met",
)

TICKETS = Table(
    name="view_report_tickets",
    columns={
        "ticket_id": "TEXT NOT NULL",
        "department_id": "TEXT",
        "assignee_id": "TEXT",
        "opened_at": "TEXT NOT NULL",
        "responded": "INTEGER NOT NULL",
        "cycle_started_at": "TEXT NOT NULL",
        "calendar": "TEXT",
    },
    key=("ticket_id",),
    indexes=(("opened_at", "ticket_id"), ("department_id", "opened_at", "ticket_id")),
)
"""One row per ticket, indexed by opening time: what-if replays the tickets opened in a
period."""
DAILY = Table(
    name="view_report_daily",
    columns={
        "day": "TEXT NOT NULL",
        "group_kind": "TEXT NOT NULL",
        "group_id": "TEXT NOT NULL",
        **{name: "INTEGER NOT NULL" for name in COUNTS},
        "csat_sum": "INTEGER NOT NULL",
        "csat_count": "INTEGER NOT NULL",
    },
    key=("day", "group_kind", "group_id"),
)
DURATIONS = Table(
    name="view_report_durations",
    columns={
        "metric": "TEXT NOT NULL",
        "ticket_id": "TEXT NOT NULL",
        "version": "INTEGER NOT NULL",
        "group_kind": "TEXT NOT NULL",
        "day": "TEXT NOT NULL",
        "group_id": "TEXT NOT NULL",
        "wall_minutes": "DOUBLE PRECISION NOT NULL",
        "business_minutes": "DOUBLE PRECISION NOT NULL",
    },
    key=("metric", "ticket_id", "version", "group_kind"),
    indexes=(("group_kind", "day", "group_id", "metric"),),
)
_calendar = msgspec.json.Decoder(BusinessCalendar)
_json = msgspec.json.Encoder()


class ReportGroup(StrEnum):
    """What a report's rows are counted per."""

    DEPARTMENT = "department"
    AGENT = "agent"


def _groups(row: dict[str, Any], agent: Any) -> list[tuple[str, str]]:
    """The department and agent an event counts for ('' when there is none)."""
    return [
        (ReportGroup.DEPARTMENT.value, row["department_id"] or ""),
        (ReportGroup.AGENT.value, "" if agent is None else str(agent)),
    ]


def _count(
    batch: Batch, at: datetime, groups: list[tuple[str, str]], field: str, amount: int = 1
) -> None:
    day = at.astimezone(UTC).date().isoformat()
    for kind, group in groups:
        row = batch.get(DAILY, (day, kind, group)) or {
            "day": day,
            "group_kind": kind,
            "group_id": group,
            **dict.fromkeys(COUNTS, 0),
            "csat_sum": 0,
            "csat_count": 0,
        }
        batch.put(DAILY, {**row, field: row[field] + amount})


def _duration(
    batch: Batch,
    event: Ticket.Event,
    row: dict[str, Any],
    metric: str,
    since: str,
    groups: list[tuple[str, str]],
) -> None:
    start = datetime.fromisoformat(since)
    wall = (event.timestamp - start).total_seconds() / 60
    calendar = None if row["calendar"] is None else _calendar.decode(row["calendar"])
    business = business_minutes_between(calendar, start, event.timestamp)
    for kind, group in groups:
        batch.put(
            DURATIONS,
            {
                "metric": metric,
                "ticket_id": row["ticket_id"],
                "version": event.originator_version,
                "group_kind": kind,
                "day": event.timestamp.astimezone(UTC).date().isoformat(),
                "group_id": group,
                "wall_minutes": round(wall, 3),
                "business_minutes": round(business, 3),
            },
        )


def _verdict(
    batch: Batch,
    event: Ticket.SLABreached | Ticket.SLAMet,
    groups: list[tuple[str, str]],
    kind: str,
) -> None:
    """Every verdict counts in the SLA's totals; the next response's also on its own,
    as it is judged after each customer message rather than once per cycle."""
    _count(batch, event.timestamp, groups, f"sla_{kind}")
    if event.target is Target.NEXT_RESPONSE:
        _count(batch, event.timestamp, groups, f"next_response_{kind}")


def created(batch: Batch, event: Ticket.Created, _: int) -> None:
    at = rfc3339(event.timestamp)
    row = {
        "ticket_id": str(event.originator_id),
        "department_id": None if event.department_id is None else str(event.department_id),
        "assignee_id": None,
        "opened_at": at,
        "responded": 0,
        "cycle_started_at": at,
        "calendar": None,
    }
    batch.insert(TICKETS, row)
    _count(batch, event.timestamp, _groups(row, None)[:1], "created")


def changed(batch: Batch, event: Any, _: int) -> None:
    row = batch.get(TICKETS, (str(event.originator_id),))
    if row is None:
        return
    ticket = dict(row)
    groups = _groups(ticket, ticket["assignee_id"])
    if isinstance(event, Ticket.Assigned):
        ticket["assignee_id"] = None if event.agent_id is None else str(event.agent_id)
    elif isinstance(event, Ticket.Transferred):
        ticket["department_id"] = str(event.department_id)
    elif isinstance(event, Ticket.SLAStarted):
        calendar = event.terms.calendar  # the current plan's: 24x7 (None) included
        ticket["calendar"] = None if calendar is None else _json.encode(calendar).decode()
    elif isinstance(event, Ticket.Replied):
        if event.actor_role is not Role.CUSTOMER and not ticket["responded"]:
            ticket["responded"] = 1
            by = _groups(ticket, event.actor_id)
            _count(batch, event.timestamp, by, "first_responses")
            _duration(batch, event, ticket, "first_response", ticket["opened_at"], by)
    elif isinstance(event, Ticket.Resolved):
        by = _groups(ticket, event.actor_id)
        _count(batch, event.timestamp, by, "resolved")
        _duration(batch, event, ticket, "resolution", ticket["cycle_started_at"], by)
    elif isinstance(event, Ticket.Reopened):
        ticket["cycle_started_at"] = rfc3339(event.timestamp)
        _count(batch, event.timestamp, groups, "reopened")
    elif isinstance(event, Ticket.Closed):
        _count(batch, event.timestamp, groups, "closed")
    elif isinstance(event, Ticket.SLABreached):
        _verdict(batch, event, groups, "breaches")
    elif isinstance(event, Ticket.SLAMet):
        _verdict(batch, event, groups, "met")
    elif isinstance(event, Ticket.Reviewed):
        _count(batch, event.timestamp, groups, "csat_sum", event.rating)
        _count(batch, event.timestamp, groups, "csat_count")
    if ticket != row:
        batch.put(TICKETS, ticket)


class ReportsProjection(Projection):
    """Bump `version` to ship a changed report rule: the reports then rebuild from the log."""

    name = "reports"
    version = 5
    """4: next-response verdicts counted on their own; 5: ticket rows indexed by opening."""
    tables = (TICKETS, DAILY, DURATIONS)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        Ticket.Created: created,
        **dict.fromkeys(
            (
                Ticket.Assigned,
                Ticket.Transferred,
                Ticket.SLAStarted,
                Ticket.Replied,
                Ticket.Resolved,
                Ticket.Reopened,
                Ticket.Closed,
                Ticket.SLABreached,
                Ticket.SLAMet,
                Ticket.Reviewed,
            ),
            changed,
        ),
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Event) and not isinstance(event, Ticket.Created):
            return {TICKETS.name: (str(event.originator_id),)}
        return {}
