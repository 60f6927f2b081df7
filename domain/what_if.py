"""A ticket's past replayed under other SLA terms, with the Ticket's own commands.

The question a supervisor asks ("what would a stricter plan have done to last month?")
is answered by the same code that ran the month: each command the ticket received is
issued again, at its own time and by its own actor, to a ticket that runs under the
hypothetical terms from its creation, and the SLA clock is checked whenever it would
have fallen due, as the SLA worker does. Only the SLA events differ; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from .business_time import business_minutes_between
from .sla import SLATerms, Target, next_alarm
from .sla_events import SLABreached, SLAMet, SLAStarted
from .ticket import Ticket
from .ticket_events import TicketEvent
from .values import Actor, Origin, Role

SLA_EVENTS = (
    Ticket.SLAStarted,
    Ticket.SLAPaused,
    Ticket.SLAResumed,
    Ticket.SLAWarning,
    Ticket.SLABreached,
    Ticket.SLAMet,
)
"""What the clock records; the replay derives these afresh and replays everything else."""

SETTLING: dict[Target, tuple[type[TicketEvent], ...]] = {
    Target.FIRST_RESPONSE: (Ticket.Replied, Ticket.Resolved, Ticket.Closed),
    Target.RESOLUTION: (Ticket.Resolved, Ticket.Closed),
}
"""The acts that end a target's clock (a first response also by a staff reply), for the
minutes it took. A next response runs in rounds, one per customer message, so it has
verdicts (a breach in any round counts) but no one time to settle."""

WORKER = Actor(UUID(int=0), Role.SYSTEM)
"""The replayed SLA worker (its events are never saved, so any system actor does)."""

AFTER_DUE = timedelta(microseconds=1)
"""A target is breached only after its due instant, so the replayed worker looks just
after it."""


class Verdict(StrEnum):
    MET = "met"
    BREACHED = "breached"
    OPEN = "open"


@dataclass(frozen=True)
class TargetOutcome:
    verdict: Verdict
    minutes: float | None
    """Business minutes, under the terms' calendar, from the ticket's creation to the act
    that first settled the target; None while it is unsettled."""


Outcome = dict[Target, TargetOutcome]


def replayed(events: Sequence[TicketEvent], terms: SLATerms, until: datetime) -> Outcome:
    """How the ticket's SLA would have gone under `terms`, as of `until`."""
    return outcome(list(replay(events, terms, until)), terms)


def recorded(events: Sequence[TicketEvent]) -> Outcome:
    """How the ticket's SLA went, from the SLA events it recorded."""
    started = next((e for e in events if isinstance(e, SLAStarted)), None)
    return outcome(events, None if started is None else started.terms)


def replay(events: Sequence[TicketEvent], terms: SLATerms, until: datetime) -> Iterator[Any]:
    """The events the ticket would have recorded under `terms` (never saved)."""
    commands = list(_commands(events))
    if not commands or not isinstance(commands[0], Ticket.Created):
        return iter(())
    created = commands[0]
    shadow = Ticket.open(
        ticket_id=created.originator_id,
        number=created.number,
        subject=created.subject,
        body=created.body,
        message_id=created.message_id,
        priority=created.priority,
        customer_id=created.customer_id,
        department_id=created.department_id,
        help_topic_id=created.help_topic_id,
        origin=_origin(created, created.timestamp),
        sla=terms,
    )
    shadow.chained = False  # type: ignore[misc]  # a copy never saved needs no chain
    for act in commands[1:]:
        _check_until(shadow, act.timestamp, created)
        _reissue(shadow, act, terms)
    _check_until(shadow, until, created)
    return iter(shadow.collect_events())


def outcome(events: Sequence[Any], terms: SLATerms | None) -> Outcome:
    """Each target's verdict (a breach in any cycle counts) and time to settle."""
    if terms is None or not events:
        return {}
    created_at = events[0].timestamp
    found: Outcome = {}
    for target in _targets(terms):
        acts = SETTLING.get(target, ())
        breached = any(isinstance(e, SLABreached) and e.target is target for e in events)
        met = any(isinstance(e, SLAMet) and e.target is target for e in events)
        settled = next((e for e in events if _settles(e, acts)), None)
        verdict = Verdict.BREACHED if breached else Verdict.MET if met else Verdict.OPEN
        minutes = (
            None
            if settled is None or verdict is Verdict.OPEN
            else round(business_minutes_between(terms.calendar, created_at, settled.timestamp), 1)
        )
        found[target] = TargetOutcome(verdict, minutes)
    return found


def _targets(terms: SLATerms) -> tuple[Target, ...]:
    """The targets the terms set (a next response only when the plan has one)."""
    return tuple(t for t in Target if terms.minutes(t) is not None)


def _settles(event: Any, acts: tuple[type[TicketEvent], ...]) -> bool:
    if not isinstance(event, acts):
        return False
    return not isinstance(event, Ticket.Replied) or event.actor_role is not Role.CUSTOMER


def _commands(events: Iterable[TicketEvent]) -> Iterator[Any]:
    """The ticket's commands: the events one command recorded share its origin; each is
    named by its first event that is not the clock's. Commands that recorded only clock
    events (the SLA worker's checks) are left out: the replay checks on its own."""
    group: list[Any] = []
    for event in events:
        if group and _same_origin(group[0], event):
            group.append(event)
            continue
        if group:
            yield from _named(group)
        group = [event]
    if group:
        yield from _named(group)


def _named(group: list[Any]) -> Iterator[Any]:
    act = next((e for e in group if not isinstance(e, SLA_EVENTS)), None)
    if act is not None:
        yield act


def _same_origin(first: Any, event: Any) -> bool:
    return (first.timestamp, first.causation_id, first.actor_id) == (
        event.timestamp,
        event.causation_id,
        event.actor_id,
    )


def _origin(event: Any, at: datetime) -> Origin:
    return Origin(
        Actor(event.actor_id, event.actor_role), at, event.correlation_id, event.causation_id
    )


def _check_until(shadow: Ticket, moment: datetime, created: Any) -> None:
    """Whatever the SLA worker would have recorded before `moment`: it checks each time
    the clock next falls due, as long as that is before the next command."""
    while (alarm := next_alarm(shadow.sla)) is not None and alarm + AFTER_DUE < moment:
        version = shadow.version
        at = alarm + AFTER_DUE
        shadow.check_sla(Origin(WORKER, at, created.correlation_id, created.event_id))
        if shadow.version == version:
            return


Reissue = Callable[[Ticket, Any, Origin, SLATerms], None]

REISSUED: dict[type[Any], Reissue] = {
    Ticket.Assigned: lambda t, e, o, _: t.assign(e.agent_id, o, e.reason),
    Ticket.Transferred: lambda t, e, o, terms: t.transfer(e.department_id, o, terms),
    Ticket.Replied: lambda t, e, o, _: t.reply(e.message_id, e.body, o),
    Ticket.NoteAdded: lambda t, e, o, _: t.add_note(e.message_id, e.body, o),
    Ticket.StatusChanged: lambda t, e, o, _: t.change_status(e.status, o),
    Ticket.PriorityChanged: lambda t, e, o, _: t.change_priority(e.priority, o),
    Ticket.Resolved: lambda t, e, o, _: t.resolve(e.resolution, o),
    Ticket.Closed: lambda t, e, o, _: t.close(o),
    Ticket.Reopened: lambda t, e, o, _: t.reopen(e.reason, o),
    Ticket.Reviewed: lambda t, e, o, _: t.add_review(e.rating, e.comment, o),
}
"""Each command, issued again from the first event it recorded (what it recorded
besides, a customer reply's status move say, the command derives again itself)."""


def _reissue(shadow: Ticket, act: Any, terms: SLATerms) -> None:
    reissue = REISSUED.get(type(act))
    if reissue is not None:
        reissue(shadow, act, _origin(act, act.timestamp), terms)
