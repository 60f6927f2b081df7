"""What the directory projection tests build: people, departments and plans with
stable ids, fed to the projection in memory."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.organisation import (
    AssignMode,
    Department,
)
from domain.people import Person
from domain.values import Actor, Role
from projections.base import MemoryRows, Row
from projections.directory.handlers import (
    ORGANISATION,
    DirectoryProjection,
    Kind,
)
from tests.builders import STANDARD_TERMS, later, origin

_IDS = UUID("d1d1d1d1-0000-4000-8000-000000000000")
ADMIN = Actor(uuid5(_IDS, "admin"), Role.ADMIN)
SUPPORT = uuid5(_IDS, "support")
BILLING = uuid5(_IDS, "billing")
TERMS = STANDARD_TERMS


def the_id(name: str) -> UUID:
    return uuid5(_IDS, name)


def fed(rows: MemoryRows, *aggregates: Aggregate, at: int) -> None:
    """Feeds the aggregates' pending events, in order, from log position `at`."""
    events = [e for a in aggregates for e in a.collect_events()]
    rows.apply(DirectoryProjection, list(enumerate(events, start=at)))


def registered(
    name: str, role: Role, departments: tuple[UUID, ...] = (), minute: int = 0
) -> Person:
    return Person.register(
        the_id(name),
        name,
        f"{name.lower()}@example.com",
        role,
        list(departments),
        origin(ADMIN, later(minute)),
    )


def table(rows: MemoryRows, name: str) -> dict[Any, Row]:
    return rows.tables.get(name, {})


def document(rows: MemoryRows, kind: Kind, item_id: UUID) -> Any:
    return json.loads(table(rows, ORGANISATION.name)[(kind.value, str(item_id))]["data"])


def ann_actor() -> Actor:
    return Actor(the_id("Ann"), Role.AGENT)


def department(name: str, department_id: UUID, plan_id: UUID | None = None) -> Department:
    return Department.define(
        department_id, name, plan_id, AssignMode.ROUND_ROBIN, 5, 10, origin(ADMIN, later(2))
    )
