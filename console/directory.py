"""Names for the ids pages show: people, departments, help topics (from the directory
read model, one lookup per id a page names, never a scan)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.values import Actor, Role
from projections.directory.handlers import Kind
from projections.directory.queries import organisation, people, person
from wiring.services import Services

LISTED = 200
"""Departments and help topics a form offers (an organisation has a few dozen)."""


@dataclass
class Names:
    """Names looked up once per page."""

    services: Services
    _people: dict[str, str] = field(default_factory=dict)

    def person(self, person_id: UUID | str | None) -> str:
        if person_id is None:
            return "nobody"
        key = str(person_id)
        if key not in self._people:
            found = person(self.services.views, UUID(key))
            self._people[key] = str(found["name"]) if found else "someone"
        return self._people[key]

    def people(self, ids: Iterable[UUID | str | None]) -> dict[str, str]:
        return {str(i): self.person(i) for i in ids if i is not None}


def items(services: Services, kind: Kind) -> list[dict[str, Any]]:
    found, _ = organisation(services.views, kind, LISTED, None)
    return found


def departments(services: Services) -> dict[str, str]:
    return {d["id"]: d["name"] for d in items(services, Kind.DEPARTMENT)}


def my_departments(services: Services, actor: Actor) -> dict[str, str]:
    """The departments whose queues the caller reads: an agent's own, all for supervisors."""
    every = departments(services)
    if actor.role is not Role.AGENT:
        return every
    mine = {str(d) for d in services.helpdesk.departments_of(actor)}
    return {k: v for k, v in every.items() if k in mine}


def colleagues(services: Services, department_id: UUID | None) -> list[dict[str, Any]]:
    """Who a ticket can be assigned to: the department's agents and the supervisors."""
    staff, _ = people(services.views, (Role.AGENT, Role.SUPERVISOR), LISTED, None)
    wanted = None if department_id is None else str(department_id)
    return [p for p in staff if p["role"] == Role.SUPERVISOR.value or wanted in p["department_ids"]]
