"""The assigner: gives new, transferred and reopened tickets to an agent of their
department, by the department's mode (round robin or least loaded).

Each decision is a command with an idempotency key derived from the event that
prompted it, saved with the department's rotation in one transaction: a second
assigner, or this one after a crash, replays the decision instead of making another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.application import HelpDesk
from domain.assignment import least_loaded, round_robin
from domain.errors import DomainError
from domain.lifecycle import ACTIVE
from domain.organisation import AssignMode, Department
from domain.pipeline import Idempotency, Intent
from domain.ticket import Ticket
from domain.values import AssignReason, Origin
from projections.directory.handlers import DirectoryProjection
from projections.directory.queries import available_agents
from projections.queue.handlers import QueueProjection
from projections.queue.queries import open_counts
from projections.view_store import ViewStore

from .actors import ASSIGNER
from .follower import LogFollower

_log = logging.getLogger("ticketing.assigner")


class Assigner(LogFollower):
    name = "assigner"
    follows = (Ticket.Created, Ticket.Transferred, Ticket.Reopened)
    consults = (DirectoryProjection.name, QueueProjection.name)
    """Who may be chosen comes from the directory, loads from the queue: both have seen
    the event before the assigner answers it."""

    def __init__(
        self, helpdesk: HelpDesk, views: ViewStore, clock: Callable[[], datetime], **kwargs: Any
    ) -> None:
        super().__init__(helpdesk.recorder, helpdesk.mapper, views, **kwargs)
        self.helpdesk = helpdesk
        self.clock = clock
        self._decisions: list[tuple[int, UUID]] = []
        """This assigner's recent decisions (position, agent): loads are counted from the
        queue, which may not show them yet, and a burst of tickets must not all go to
        one agent."""

    def handle(self, position: int, event: Any) -> None:
        self.helpdesk.catch_up()  # the cache has seen what other processes wrote
        ticket = self.helpdesk.ticket(event.originator_id, ASSIGNER)
        if ticket.status not in ACTIVE or ticket.department_id is None:
            return
        department = self.helpdesk.one(Department, ticket.department_id)
        eligible = available_agents(self.views, department.id)
        if ticket.assignee_id in eligible:
            return
        choice = self._choose(ticket, department, eligible, event)
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
        event: Any,
    ) -> tuple[UUID, AssignReason] | None:
        last = ticket.last_assignee_id
        if isinstance(event, Ticket.Reopened) and last is not None and last in eligible:
            return last, AssignReason.REOPEN
        if not eligible or department.auto_assign is AssignMode.NONE:
            return None
        rotation = self.helpdesk.rotation(department.id)
        if department.auto_assign is AssignMode.ROUND_ROBIN:
            last = None if rotation is None else rotation.last_agent_id
            return round_robin(eligible, last), AssignReason.ROUND_ROBIN
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
