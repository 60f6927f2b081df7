"""The assigner: gives new, transferred and reopened tickets to an agent of their
department, by the department's mode (round robin or least loaded).

Each decision is a command with an idempotency key derived from the event that
prompted it, saved with the department's rotation in one transaction: a second
assigner, or this one after a crash, replays the decision instead of making another.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.application import HelpDesk
from domain.assignment import least_loaded, round_robin
from domain.errors import DomainError
from domain.lifecycle import ACTIVE
from domain.organisation import AssignMode, Department
from domain.people import Person
from domain.pipeline import Idempotency, Intent
from domain.ticket import Ticket
from domain.values import AssignReason, Origin, Role
from projections.queue.handlers import QueueProjection
from projections.queue.queries import open_counts
from projections.view_store import ViewStore

from .actors import ASSIGNER
from .follower import LogFollower

_log = logging.getLogger("ticketing.assigner")
QUEUE_WAIT_SECONDS = 5.0


class Assigner(LogFollower):
    name = "assigner"
    follows = (
        Ticket.Created,
        Ticket.Transferred,
        Ticket.Reopened,
        Person.Registered,
        Person.AvailabilityChanged,
    )

    def __init__(
        self, helpdesk: HelpDesk, views: ViewStore, clock: Callable[[], datetime], **kwargs: Any
    ) -> None:
        super().__init__(helpdesk.recorder, helpdesk.mapper, views, **kwargs)
        self.helpdesk = helpdesk
        self.clock = clock
        self._agents: list[Person] | None = None
        self._decisions: list[tuple[int, UUID]] = []
        """This assigner's recent decisions (position, agent): loads are counted from the
        queue, which may not show them yet, and a burst of tickets must not all go to
        one agent."""

    def handle(self, position: int, event: Any) -> None:
        if isinstance(event, (Person.Registered, Person.AvailabilityChanged)):
            self._agents = None
            return
        ticket = self.helpdesk.ticket(event.originator_id, ASSIGNER)
        if ticket.status not in ACTIVE or ticket.department_id is None:
            return
        department = self.helpdesk.one(Department, ticket.department_id)
        eligible = [p.id for p in self.agents() if department.id in p.department_ids and not p.away]
        if ticket.assignee_id in eligible:
            return
        choice = self._choose(ticket, department, eligible, position, event)
        if choice is None:
            return
        agent_id, reason = choice
        origin = Origin(ASSIGNER, self.clock(), event.correlation_id, event.event_id)
        intent = Intent(origin, idempotency=Idempotency(f"assign:{event.event_id}", "assign"))
        try:
            outcome = self.helpdesk.auto_assign(ticket.id, agent_id, reason, intent)
            if outcome.position is not None:
                self._decisions.append((outcome.position, agent_id))
        except DomainError as e:
            _log.warning("assigning %s refused: %s", ticket.id, e)

    def _choose(
        self,
        ticket: Ticket,
        department: Department,
        eligible: list[UUID],
        position: int,
        event: Any,
    ) -> tuple[UUID, AssignReason] | None:
        if isinstance(event, Ticket.Reopened) and ticket.last_assignee_id in eligible:
            assert ticket.last_assignee_id is not None
            return ticket.last_assignee_id, AssignReason.REOPEN
        if not eligible or department.auto_assign is AssignMode.NONE:
            return None
        rotation = self.helpdesk.rotation(department.id)
        if department.auto_assign is AssignMode.ROUND_ROBIN:
            last = None if rotation is None else rotation.last_agent_id
            return round_robin(eligible, last), AssignReason.ROUND_ROBIN
        self._await_queue(position)
        chosen = least_loaded(
            eligible, self._loads(eligible), {} if rotation is None else rotation.last_assigned
        )
        return chosen, AssignReason.LEAST_LOADED

    def _loads(self, eligible: list[UUID]) -> dict[UUID, int]:
        """Open tickets per agent: the queue's count plus the decisions it has not seen."""
        seen = self.views.position(QueueProjection.name)
        self._decisions = [(p, a) for p, a in self._decisions if p > seen]
        loads = {UUID(k): v for k, v in open_counts(self.views, [str(a) for a in eligible]).items()}
        for _, agent in self._decisions:
            loads[agent] = loads.get(agent, 0) + 1
        return loads

    def agents(self) -> list[Person]:
        """The agents, reloaded whenever the log says someone joined or changed."""
        if self._agents is None:
            people, _ = self.helpdesk.people(frozenset({Role.AGENT}), 0, 1_000_000)
            self._agents = people
        return self._agents

    def _await_queue(self, position: int) -> None:
        """Loads are counted from the queue: let it catch up with the event first."""
        deadline = time.monotonic() + QUEUE_WAIT_SECONDS
        while self.views.position(QueueProjection.name) < position:
            if time.monotonic() > deadline:
                _log.warning("queue projection behind position %s; counting anyway", position)
                return
            time.sleep(0.01)
