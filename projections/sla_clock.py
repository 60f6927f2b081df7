"""A ticket's SLA clock kept in a read-model row, evolved by the domain's own rules.

The SLA events' `apply` methods only touch the ticket's `sla`; applying them to a
stand-in holding the clock gives exactly the clock the ticket has, so the queue and
timers projections never re-implement the SLA rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from domain.business_time import business_minutes_between
from domain.sla import EVERY, RESPONSES, SLAClock, Target, finished, next_alarm, state
from domain.sla_events import (
    SLABreached,
    SLAMet,
    SLAPaused,
    SLAResumed,
    SLAStarted,
    SLATargetStarted,
    SLAWarning,
)
from domain.ticket import Ticket
from domain.timefmt import rfc3339
from domain.values import Role

SLA_EVENTS: tuple[type[Any], ...] = (
    SLAStarted,
    SLATargetStarted,
    SLAPaused,
    SLAResumed,
    SLAWarning,
    SLABreached,
    SLAMet,
)
NOT_DUE = "9999-12-31T23:59:59.999999Z"
"""Sorts rows without a due time after every row with one, in both stores."""

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(SLAClock | None)


@dataclass
class _Holder:
    sla: SLAClock | None


def moves_clock(event: Any) -> bool:
    return isinstance(event, (*SLA_EVENTS, Ticket.Replied, Ticket.Resolved, Ticket.Closed))


def evolve(clock: SLAClock | None, event: Any) -> SLAClock | None:
    if isinstance(event, SLA_EVENTS):
        holder = _Holder(clock)
        event.apply(holder)
        return holder.sla
    if isinstance(event, Ticket.Replied) and event.actor_role is not Role.CUSTOMER:
        return finished(clock, RESPONSES)
    if isinstance(event, (Ticket.Resolved, Ticket.Closed)):
        return finished(clock, EVERY)
    return clock


def load(text: str | None) -> SLAClock | None:
    return None if text is None else _decoder.decode(text)


def dump(clock: SLAClock | None) -> str | None:
    return None if clock is None else _encoder.encode(clock).decode()


def columns(clock: SLAClock | None) -> dict[str, Any]:
    """What the rows show of a clock: due times, the state, what to sort and wake on."""
    pending = [] if clock is None else [d.due for d in clock.deadlines if not d.done]
    alarm = next_alarm(clock)
    return {
        **{f"{target}_due": due(clock, target) for target in Target},
        "due_sort": rfc3339(min(pending)) if pending else NOT_DUE,
        "sla_state": state(clock).value,
        "next_alarm": None if alarm is None else rfc3339(alarm),
        "sla_clock": dump(clock),
    }


def due(clock: SLAClock | None, target: Target) -> str | None:
    """The target's due time in this cycle (kept once met or breached), or None."""
    found = None if clock is None else clock.deadline(target)
    return None if found is None else rfc3339(found.due)


def earliest_open(clock: SLAClock | None) -> datetime | None:
    """The earliest due time not yet settled, or None."""
    pending = [] if clock is None else [d.due for d in clock.deadlines if not d.done]
    return min(pending, default=None)


def next_due(clock: SLAClock | None) -> str | None:
    """The moment a live countdown counts to: the earliest open due time, None while the
    clock is paused (it does not run) or every target is settled."""
    moment = earliest_open(clock)
    if clock is None or moment is None or clock.paused_since is not None:
        return None
    return rfc3339(moment)


def minutes_left(clock: SLAClock | None, now: datetime) -> float | None:
    """Business minutes until the earliest open due time (negative once overdue);
    None without a clock, with every target settled, or while paused (frozen)."""
    due = earliest_open(clock)
    if clock is None or due is None:
        return None
    since = clock.paused_since or now
    calendar = clock.terms.calendar
    if since <= due:
        return round(business_minutes_between(calendar, since, due), 1)
    return -round(business_minutes_between(calendar, due, since), 1)
