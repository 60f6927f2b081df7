"""From ticket events to timer rows."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.ticket import Ticket

from .. import sla_clock
from ..base import Batch, Handler, Key, Projection, Table
from ..keyset import keyed

TIMERS = Table(
    name="view_timers",
    columns={
        "ticket_id": "TEXT NOT NULL",
        "department_id": "TEXT",
        "assignee_id": "TEXT",
        "status": "TEXT NOT NULL",
        "plan_id": "TEXT",
        "plan_version": "INTEGER",
        "cycle": "INTEGER",
        "first_response_due": "TEXT",
        "resolution_due": "TEXT",
        "next_response_due": "TEXT",
        "due_sort": "TEXT NOT NULL",
        "sla_state": "TEXT NOT NULL",
        "next_alarm": "TEXT",
        "sla_clock": "TEXT",
        "department_key": "TEXT NOT NULL",
        "assignee_key": "TEXT NOT NULL",
    },
    key=("ticket_id",),
    indexes=(
        ("next_alarm",),
        ("sla_state", "due_sort", "ticket_id"),
        ("department_key", "sla_state", "due_sort", "ticket_id"),
        ("assignee_key", "sla_state", "due_sort", "ticket_id"),
    ),
)
"""A page of timers is a range per SLA state of the index its filter leads (`queries`)."""

STATUS_OF: dict[type[Any], str] = {
    Ticket.Resolved: "resolved",
    Ticket.Closed: "closed",
    Ticket.Reopened: "open",
}


def created(batch: Batch, event: Ticket.Created, _: int) -> None:
    batch.insert(
        TIMERS,
        keyed(
            {
                "ticket_id": str(event.originator_id),
                "department_id": None if event.department_id is None else str(event.department_id),
                "assignee_id": None,
                "status": "open",
                "plan_id": None,
                "plan_version": None,
                "cycle": None,
                **_clock_columns(None),
            }
        ),
    )


def changed(batch: Batch, event: Ticket.Event, _: int) -> None:
    key = (str(event.originator_id),)
    row = batch.get(TIMERS, key)
    if row is None:
        return
    values: dict[str, Any] = {}
    if isinstance(event, Ticket.Transferred):
        values["department_id"] = str(event.department_id)
    if isinstance(event, Ticket.Assigned):
        values["assignee_id"] = None if event.agent_id is None else str(event.agent_id)
    if isinstance(event, Ticket.StatusChanged):
        values["status"] = event.status.value
    elif type(event) in STATUS_OF:
        values["status"] = STATUS_OF[type(event)]
    if sla_clock.moves_clock(event):
        clock = sla_clock.evolve(sla_clock.load(row["sla_clock"]), event)
        values.update(_clock_columns(clock))
        if clock is not None:
            values.update(
                plan_id=str(clock.terms.plan_id),
                plan_version=clock.terms.plan_version,
                cycle=clock.cycle,
            )
    batch.put(TIMERS, keyed({**row, **values}))


def _clock_columns(clock: Any) -> dict[str, Any]:
    return {k: v for k, v in sla_clock.columns(clock).items() if k in TIMERS.columns}


class TimersProjection(Projection):
    name = "timers"
    version = 4
    """2: the assignee, so that agents see only the timers of tickets they may read.
    3: the next-response due time. 4: indexes led by department or assignee, then SLA
    state, in due order."""
    tables = (TIMERS,)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        Ticket.Created: created,
        **dict.fromkeys(
            (
                Ticket.Assigned,
                Ticket.Transferred,
                Ticket.StatusChanged,
                *STATUS_OF,
                Ticket.Replied,
                *sla_clock.SLA_EVENTS,
            ),
            changed,
        ),
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Ticket.Event) and not isinstance(event, Ticket.Created):
            return {TIMERS.name: (str(event.originator_id),)}
        return {}
