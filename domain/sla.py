"""The SLA clock of one ticket: targets, due times, pauses, and what is due when.

Pure values and functions; the Ticket records the timeline as events (SLAStarted,
SLATargetStarted, SLAPaused, SLAResumed, SLAWarning, SLABreached, SLAMet) and keeps an
`SLAClock`.

Three targets: the first response (from opening), the resolution (per cycle), and,
when the plan sets one, the next response: due after each customer message that waits
for an answer, met by the next public staff reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from .business_time import add_business_minutes, business_minutes_between
from .calendar import BusinessCalendar
from .chain import ADDED_LATER
from .values import Cause, Status


class Target(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"
    NEXT_RESPONSE = "next_response"


BOTH = (Target.FIRST_RESPONSE, Target.RESOLUTION)
"""What a new ticket's clock starts with."""
RESPONSES = (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE)
"""What a public staff reply answers."""
EVERY = (*BOTH, Target.NEXT_RESPONSE)
"""What resolving or closing settles."""


class SLAState(StrEnum):
    NONE = "none"
    ON_TRACK = "on_track"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True)
class SLATerms:
    """The plan version a ticket runs under, with its calendar copied in, so that the
    ticket's clock never depends on later changes to the plan or the calendar."""

    plan_id: UUID
    plan_version: int
    first_response_minutes: int
    resolution_minutes: int
    warn_at_percent: int
    pause_statuses: tuple[Status, ...]
    calendar: BusinessCalendar | None
    next_response_minutes: int | None = field(default=None, metadata=ADDED_LATER)
    """None: the plan sets no next-response target (and terms recorded before it existed)."""

    def minutes(self, target: Target) -> int | None:
        if target is Target.FIRST_RESPONSE:
            return self.first_response_minutes
        if target is Target.NEXT_RESPONSE:
            return self.next_response_minutes
        return self.resolution_minutes


@dataclass(frozen=True)
class Deadline:
    target: Target
    due: datetime
    warn_at: datetime
    warned: bool = False
    breached: bool = False
    done: bool = False
    met: bool = False

    @property
    def pending(self) -> bool:
        return not self.done


@dataclass(frozen=True)
class Breach:
    target: Target
    cycle: int
    due: datetime
    at: datetime


@dataclass(frozen=True)
class SLAClock:
    terms: SLATerms
    cycle: int
    deadlines: tuple[Deadline, ...]
    paused_since: datetime | None = None
    breaches: tuple[Breach, ...] = ()
    """Every breach of every cycle so far: a new cycle keeps the history."""
    started_by: tuple[tuple[Target, Cause], ...] = ()
    """The event that started each target's clock: what a warning or breach answers."""

    def deadline(self, target: Target) -> Deadline | None:
        return next((d for d in self.deadlines if d.target is target), None)

    def with_deadline(self, target: Target, **changes: object) -> SLAClock:
        return replace(
            self,
            deadlines=tuple(
                replace(d, **changes) if d.target is target else d  # type: ignore[arg-type]
                for d in self.deadlines
            ),
        )

    def pauses_in(self, status: Status) -> bool:
        return status in self.terms.pause_statuses

    def cause(self, target: Target) -> Cause | None:
        return next((c for t, c in self.started_by if t is target), None)

    def started(self, deadline: Deadline, cause: Cause) -> SLAClock:
        """The clock with `deadline` in place of its target's earlier one, if any."""
        target = deadline.target
        return replace(
            self,
            deadlines=(*(d for d in self.deadlines if d.target is not target), deadline),
            started_by=(*((t, c) for t, c in self.started_by if t is not target), (target, cause)),
        )


def deadlines(
    terms: SLATerms, start: datetime, targets: tuple[Target, ...]
) -> tuple[Deadline, ...]:
    """Due and warning times for targets whose clock starts at `start` (a target the
    terms do not set has none)."""
    found = []
    for target in targets:
        minutes = terms.minutes(target)
        if minutes is None:
            continue
        found.append(
            Deadline(
                target=target,
                due=add_business_minutes(terms.calendar, start, minutes),
                warn_at=add_business_minutes(
                    terms.calendar, start, minutes * terms.warn_at_percent / 100
                ),
            )
        )
    return tuple(found)


def resumed(clock: SLAClock, paused: datetime, at: datetime) -> tuple[Deadline, ...]:
    """Pending deadlines moved by the business time the clock was paused (from `paused`
    to `at`): each keeps the business minutes it had left when the pause began. A
    moment already past when the pause began stays where it was: pausing cannot undo
    lateness."""
    calendar = clock.terms.calendar

    def moved(moment: datetime) -> datetime:
        if moment <= paused:
            return moment
        return add_business_minutes(
            calendar, at, business_minutes_between(calendar, paused, moment)
        )

    return tuple(
        d
        if d.done or d.breached
        else replace(d, due=moved(d.due), warn_at=d.warn_at if d.warned else moved(d.warn_at))
        for d in clock.deadlines
    )


def finished(clock: SLAClock | None, targets: tuple[Target, ...]) -> SLAClock | None:
    """The clock once targets are satisfied, in time or not (a staff reply ends the
    first response, resolving or closing ends both); the verdicts are events of their own."""
    for target in targets:
        if clock is not None:
            clock = clock.with_deadline(target, done=True)
    return clock


def alarm_cause(clock: SLAClock | None, now: datetime) -> Cause | None:
    """The event that started the clock of the first alarm due at `now`: the cause of
    the SLA worker's check."""
    if clock is None:
        return None
    return next((clock.cause(d.target) for d, _ in alarms(clock, now)), None)


def alarms(clock: SLAClock, now: datetime) -> list[tuple[Deadline, bool]]:
    """What has fallen due and is not yet recorded: (deadline, breached?) pairs. A target
    is breached only after its due instant, as a reply at that instant is in time.
    Nothing falls due while the clock is paused."""
    if clock.paused_since is not None:
        return []
    due = []
    for d in clock.deadlines:
        if d.done or d.breached:
            continue
        if now > d.due:
            due.append((d, True))
        elif now >= d.warn_at and not d.warned:
            due.append((d, False))
    return due


def next_alarm(clock: SLAClock | None) -> datetime | None:
    """When the clock next needs the SLA worker (None when nothing can fall due)."""
    if clock is None or clock.paused_since is not None:
        return None
    moments = [
        d.due if d.warned else min(d.warn_at, d.due)
        for d in clock.deadlines
        if not d.done and not d.breached
    ]
    return min(moments, default=None)


def state(clock: SLAClock | None) -> SLAState:
    if clock is None:
        return SLAState.NONE
    if clock.paused_since is not None:
        return SLAState.PAUSED
    if any(d.breached for d in clock.deadlines):
        return SLAState.BREACHED
    if all(d.done for d in clock.deadlines):
        return SLAState.MET
    if any(d.warned and not d.done for d in clock.deadlines):
        return SLAState.WARNING
    return SLAState.ON_TRACK
