"""The SLA timeline of a ticket, as events (the `Ticket` exposes each under its name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from .sla import Breach, Deadline, SLAClock, SLATerms, Target
from .ticket_events import TicketEvent
from .values import Cause


class SLAStarted(TicketEvent):
    """The plan version and due times the ticket now runs under (cycle 2 and on:
    after reopening). Version 2: the terms carry the plan's next-response target."""

    class_version = 2
    cycle: int
    terms: SLATerms
    deadlines: tuple[Deadline, ...]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["terms"]["next_response_minutes"] = None

    def apply(self, aggregate: Any) -> None:
        before = aggregate.sla
        cause = Cause(self.event_id, self.correlation_id)
        aggregate.sla = SLAClock(
            self.terms,
            self.cycle,
            self.deadlines,
            breaches=() if before is None else before.breaches,
            started_by=tuple((d.target, cause) for d in self.deadlines),
        )


class SLATargetStarted(TicketEvent):
    """One target's clock starts within the cycle: the next response, when a customer
    message waits for an answer. It replaces that target's earlier deadline."""

    deadline: Deadline

    def apply(self, aggregate: Any) -> None:
        cause = Cause(self.event_id, self.correlation_id)
        aggregate.sla = aggregate.sla.started(self.deadline, cause)


class SLAPaused(TicketEvent):
    def apply(self, aggregate: Any) -> None:
        aggregate.sla = replace(aggregate.sla, paused_since=self.timestamp)


class SLAResumed(TicketEvent):
    """The clock runs again; due times moved by the business time spent paused."""

    deadlines: tuple[Deadline, ...]

    def apply(self, aggregate: Any) -> None:
        aggregate.sla = replace(aggregate.sla, deadlines=self.deadlines, paused_since=None)


class SLAWarning(TicketEvent):
    target: Target
    due: datetime

    def apply(self, aggregate: Any) -> None:
        aggregate.sla = aggregate.sla.with_deadline(self.target, warned=True)


class SLABreached(TicketEvent):
    target: Target
    due: datetime

    def apply(self, aggregate: Any) -> None:
        clock = aggregate.sla.with_deadline(self.target, breached=True)
        breach = Breach(self.target, clock.cycle, self.due, self.timestamp)
        aggregate.sla = replace(clock, breaches=(*clock.breaches, breach))


class SLAMet(TicketEvent):
    target: Target

    def apply(self, aggregate: Any) -> None:
        aggregate.sla = aggregate.sla.with_deadline(self.target, done=True, met=True)
