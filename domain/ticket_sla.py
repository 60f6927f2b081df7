"""How the Ticket's commands move its SLA clock, as pure functions of the clock: each
answers the events the Ticket should record (`Change`s), and the Ticket records them.
Kept beside `ticket.py` to keep the lifecycle readable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .sla import BOTH, RESPONSES, SLAClock, SLATerms, Target, alarms, deadlines, resumed
from .sla_events import (
    SLABreached,
    SLAMet,
    SLAPaused,
    SLAResumed,
    SLAStarted,
    SLATargetStarted,
    SLAWarning,
)
from .ticket_events import TicketEvent
from .values import Status

Change = tuple[type[TicketEvent], dict[str, Any]]
"""An event to record: its class and the fields this kind of event says."""


def start(
    terms: SLATerms, at: datetime, status: Status, targets: tuple[Target, ...], cycle: int
) -> list[Change]:
    """A clock starting at `at` for targets; paused at once if the status pauses it."""
    changes: list[Change] = [
        (SLAStarted, {"cycle": cycle, "terms": terms, "deadlines": deadlines(terms, at, targets)})
    ]
    if status in terms.pause_statuses:
        changes.append((SLAPaused, {}))
    return changes


def status_moved(
    clock: SLAClock | None, before: Status, after: Status, at: datetime
) -> list[Change]:
    """Pauses the clock on entering a pausing status, resumes it on leaving one."""
    if clock is None:
        return []
    was, now = clock.pauses_in(before), clock.pauses_in(after)
    if now and not was and clock.paused_since is None:
        return [(SLAPaused, {})]
    if was and not now:
        return resume(clock, at)
    return []


def resume(clock: SLAClock | None, at: datetime) -> list[Change]:
    if clock is None or clock.paused_since is None:
        return []
    return [(SLAResumed, {"deadlines": resumed(clock, clock.paused_since, at)})]


def satisfying(
    clock: SLAClock | None, targets: tuple[Target, ...], at: datetime, act: Change
) -> list[Change]:
    """The act that satisfies targets (a staff reply, a resolution) between its
    verdicts: a late one first breaches (unless already recorded), one in time is then
    met. While paused, only the time before the pause counts."""
    if clock is None:
        return [act]
    pending = [d for d in clock.deadlines if d.target in targets and not d.done]
    counted_until = at if clock.paused_since is None else clock.paused_since
    late = [d for d in pending if counted_until > d.due and not d.breached]
    in_time = [d for d in pending if counted_until <= d.due and not d.breached]
    return [
        *((SLABreached, {"target": d.target, "due": d.due}) for d in late),
        act,
        *((SLAMet, {"target": d.target}) for d in in_time),
    ]


def await_answer(clock: SLAClock | None, at: datetime) -> list[Change]:
    """A customer message starts the next-response target, unless the plan sets none or
    an answer is awaited already (the first response, or an earlier message's: the
    oldest unanswered message sets the due time). On a paused clock it starts from the
    pause, so that it resumes with all its business minutes left."""
    if clock is None or any(d.target in RESPONSES and not d.done for d in clock.deadlines):
        return []
    found = deadlines(clock.terms, clock.paused_since or at, (Target.NEXT_RESPONSE,))
    return [(SLATargetStarted, {"deadline": d}) for d in found]


def restart_resolution(clock: SLAClock | None, at: datetime, status: Status) -> list[Change]:
    """A reopened ticket starts a new resolution cycle under the same terms."""
    if clock is None:
        return []
    return start(clock.terms, at, status, (Target.RESOLUTION,), clock.cycle + 1)


def switch_plan(
    clock: SLAClock | None, terms: SLATerms | None, at: datetime, status: Status
) -> list[Change]:
    """A transfer to a department with another plan starts that plan for the targets
    still open; a department without a plan leaves the current clock running."""
    if terms is None or (clock is not None and clock.terms.plan_id == terms.plan_id):
        return []
    open_targets = BOTH if clock is None else tuple(d.target for d in clock.deadlines if not d.done)
    if not open_targets:
        return []
    return start(terms, at, status, open_targets, 1 if clock is None else clock.cycle)


def check(clock: SLAClock | None, at: datetime) -> list[Change]:
    """The SLA worker's command: each warning and breach that has fallen due, once; a
    check with nothing due records nothing."""
    if clock is None:
        return []
    return [
        (SLABreached if breached else SLAWarning, {"target": deadline.target, "due": deadline.due})
        for deadline, breached in alarms(clock, at)
    ]
