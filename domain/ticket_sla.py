"""How the Ticket's commands move its SLA clock; kept beside `ticket.py` to keep
the lifecycle readable. Each function records events on the ticket it is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .sla import BOTH, SLATerms, Target, alarms, deadlines, resumed
from .values import Origin, Status

if TYPE_CHECKING:
    from .ticket import Ticket


def start(
    ticket: Ticket, terms: SLATerms, origin: Origin, targets: tuple[Target, ...], cycle: int
) -> None:
    ticket.record(
        ticket.SLAStarted,
        origin,
        cycle=cycle,
        terms=terms,
        deadlines=deadlines(terms, origin.at, targets),
    )
    if ticket.sla is not None and ticket.sla.pauses_in(ticket.status):
        ticket.record(ticket.SLAPaused, origin)


def status_moved(ticket: Ticket, before: Status, origin: Origin) -> None:
    """Pauses the clock on entering a pausing status, resumes it on leaving one."""
    clock = ticket.sla
    if clock is None:
        return
    was, now = clock.pauses_in(before), clock.pauses_in(ticket.status)
    if now and not was and clock.paused_since is None:
        ticket.record(ticket.SLAPaused, origin)
    elif was and not now:
        resume(ticket, origin)


def resume(ticket: Ticket, origin: Origin) -> None:
    clock = ticket.sla
    if clock is not None and clock.paused_since is not None:
        ticket.record(ticket.SLAResumed, origin, deadlines=resumed(clock, origin.at))


def satisfying(
    ticket: Ticket, targets: tuple[Target, ...], origin: Origin, act: Callable[[], None]
) -> None:
    """Records the act that satisfies targets (a staff reply, a resolution) between
    its verdicts: a late one first breaches (unless already recorded), one in time is
    then met. While paused, only the time before the pause counts."""
    clock = ticket.sla
    pending = (
        [] if clock is None else [d for d in clock.deadlines if d.target in targets and not d.done]
    )
    counted_until = origin.at if clock is None or clock.paused_since is None else clock.paused_since
    for d in pending:
        if counted_until > d.due and not d.breached:
            ticket.record(ticket.SLABreached, origin, target=d.target, due=d.due)
    act()
    for d in pending:
        if counted_until <= d.due and not d.breached:
            ticket.record(ticket.SLAMet, origin, target=d.target)


def restart_resolution(ticket: Ticket, origin: Origin) -> None:
    """A reopened ticket starts a new resolution cycle under the same terms."""
    clock = ticket.sla
    if clock is not None:
        start(ticket, clock.terms, origin, (Target.RESOLUTION,), clock.cycle + 1)


def switch_plan(ticket: Ticket, terms: SLATerms | None, origin: Origin) -> None:
    """A transfer to a department with another plan starts that plan for the targets
    still open; a department without a plan leaves the current clock running."""
    clock = ticket.sla
    if terms is None or (clock is not None and clock.terms.plan_id == terms.plan_id):
        return
    open_targets = BOTH if clock is None else tuple(d.target for d in clock.deadlines if not d.done)
    if open_targets:
        start(ticket, terms, origin, open_targets, 1 if clock is None else clock.cycle)


def check(ticket: Ticket, origin: Origin) -> None:
    """The SLA worker's command: records each warning and breach that has fallen due,
    once; a check with nothing due records nothing."""
    clock = ticket.sla
    if clock is None:
        return
    for target, breached in alarms(clock, origin.at):
        deadline = clock.deadline(target)
        assert deadline is not None
        event = ticket.SLABreached if breached else ticket.SLAWarning
        ticket.record(event, origin, target=target, due=deadline.due)
