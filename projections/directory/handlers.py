"""From people and organisation events to the directory's rows.

People are rows ordered by their registration's log position, with one membership row
per department they work in, so that "the agents of a department" is an index range,
not a scan of everyone. Organisation items are stored as the documents the API shows,
kept current by their revisions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any, ClassVar

from domain.organisation import DefaultDepartment, Department, HelpTopic, SLAPlan, WorkCalendar
from domain.people import Person
from domain.personal import ERASED
from domain.timefmt import rfc3339

from ..base import Batch, Handler, Key, Projection, Row, Table
from . import documents
from .documents import dump


class Kind(StrEnum):
    """The kinds of organisation item the directory lists."""

    CALENDAR = "calendar"
    PLAN = "plan"
    DEPARTMENT = "department"
    HELP_TOPIC = "help_topic"


PEOPLE = Table(
    name="view_people",
    columns={
        "person_id": "TEXT NOT NULL",
        "position": "BIGINT NOT NULL",
        "role": "TEXT NOT NULL",
        "name": "TEXT NOT NULL",
        "email": "TEXT NOT NULL",
        "department_ids": "TEXT NOT NULL",
        "away": "INTEGER NOT NULL",
        "created_at": "TEXT NOT NULL",
    },
    key=("person_id",),
    indexes=(("role", "position"),),
    personal=True,
)
"""`position` is the log position of the registration: listings page on it. `away` is
0 or 1 (an integer reads back the same from both stores); `department_ids` a JSON list."""

MEMBERSHIPS = Table(
    name="view_memberships",
    columns={
        "department_id": "TEXT NOT NULL",
        "person_id": "TEXT NOT NULL",
        "role": "TEXT NOT NULL",
        "away": "INTEGER NOT NULL",
        "position": "BIGINT NOT NULL",
    },
    key=("department_id", "person_id"),
    indexes=(("department_id", "role", "away", "position"),),
)
"""Who works in which department, with the person's role, availability and
registration position copied in, so that the assigner's question is one index range."""

ORGANISATION = Table(
    name="view_org",
    columns={
        "kind": "TEXT NOT NULL",
        "item_id": "TEXT NOT NULL",
        "position": "BIGINT NOT NULL",
        "data": "TEXT NOT NULL",
    },
    key=("kind", "item_id"),
    indexes=(("kind", "position"),),
)
"""Calendars, plans, departments and help topics: `position` is the log position of the
definition, `data` the item as the API shows it (JSON)."""

DEFAULT_DEPARTMENT: Key = ("default", "department")
"""The row whose `data` names the default department (a JSON string): one key lookup."""


def registered(batch: Batch, event: Person.Registered, position: int) -> None:
    person = {
        "person_id": str(event.originator_id),
        "position": position,
        "role": event.role.value,
        "name": event.name,
        "email": event.email,
        "department_ids": dump([str(d) for d in event.department_ids]),
        "away": 0,
        "created_at": rfc3339(event.timestamp),
    }
    batch.insert(PEOPLE, person)
    for membership in memberships(person):
        batch.insert(MEMBERSHIPS, membership)


def availability_changed(batch: Batch, event: Person.AvailabilityChanged, _: int) -> None:
    """The person's row and each of their memberships take the new availability."""
    person = batch.get(PEOPLE, (str(event.originator_id),))
    if person is None:
        return
    person = {**person, "away": int(event.away)}
    batch.put(PEOPLE, person)
    for membership in memberships(person):
        batch.put(MEMBERSHIPS, membership)


def erased(batch: Batch, event: Person.Erased, _: int) -> None:
    """The name and address as a rebuild reads them once the person's key is gone."""
    batch.update(PEOPLE, (str(event.originator_id),), name=ERASED, email=ERASED)


def memberships(person: Row) -> Iterator[Row]:
    """A person's membership rows follow from their own row alone, so that a change of
    availability rewrites them without reading them first."""
    for department_id in json.loads(person["department_ids"]):
        yield {
            "department_id": department_id,
            "person_id": person["person_id"],
            "role": person["role"],
            "away": person["away"],
            "position": person["position"],
        }


def defined(kind: Kind, document: Callable[[Any], documents.Document]) -> Handler:
    """The handler of an item's definition: a new row holding its document."""

    def handler(batch: Batch, event: Any, position: int) -> None:
        batch.insert(
            ORGANISATION,
            {
                "kind": kind.value,
                "item_id": str(event.originator_id),
                "position": position,
                "data": dump(document(event)),
            },
        )

    return handler


def _calendar(e: WorkCalendar.Defined) -> documents.Document:
    return documents.calendar(e.originator_id, e.timestamp, e)


def _plan(e: SLAPlan.Defined) -> documents.Document:
    return documents.plan(e.originator_id, e.timestamp, e.name, [e.terms])


def _department(e: Department.Defined) -> documents.Document:
    """Not the default until the claim, which follows the definition in the log."""
    return documents.department(e.originator_id, e.timestamp, e, default=False)


def _help_topic(e: HelpTopic.Defined) -> documents.Document:
    return documents.help_topic(e.originator_id, e.timestamp, e)


def plan_revised(batch: Batch, event: SLAPlan.Revised, _: int) -> None:
    row = batch.get(ORGANISATION, (Kind.PLAN.value, str(event.originator_id)))
    if row is not None:
        shown = documents.revised_plan(json.loads(row["data"]), event.name, event.terms)
        batch.put(ORGANISATION, {**row, "data": dump(shown)})


def default_claimed(batch: Batch, event: DefaultDepartment.Claimed, position: int) -> None:
    """The claimed department shows itself as the default, and the pointer row names it
    (the claim is saved with the department, after its definition)."""
    department_id = str(event.department_id)
    row = batch.get(ORGANISATION, (Kind.DEPARTMENT.value, department_id))
    if row is not None:
        shown = {**json.loads(row["data"]), "default": True}
        batch.put(ORGANISATION, {**row, "data": dump(shown)})
    kind, item_id = DEFAULT_DEPARTMENT
    batch.insert(
        ORGANISATION,
        {"kind": kind, "item_id": item_id, "position": position, "data": dump(department_id)},
    )


class DirectoryProjection(Projection):
    name = "directory"
    version = 1
    tables = (PEOPLE, MEMBERSHIPS, ORGANISATION)
    handlers: ClassVar[dict[type[Any], Handler]] = {
        Person.Registered: registered,
        Person.AvailabilityChanged: availability_changed,
        Person.Erased: erased,
        WorkCalendar.Defined: defined(Kind.CALENDAR, _calendar),
        SLAPlan.Defined: defined(Kind.PLAN, _plan),
        SLAPlan.Revised: plan_revised,
        Department.Defined: defined(Kind.DEPARTMENT, _department),
        HelpTopic.Defined: defined(Kind.HELP_TOPIC, _help_topic),
        DefaultDepartment.Claimed: default_claimed,
    }

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        if isinstance(event, Person.AvailabilityChanged | Person.Erased):
            return {PEOPLE.name: (str(event.originator_id),)}
        if isinstance(event, SLAPlan.Revised):
            return {ORGANISATION.name: (Kind.PLAN.value, str(event.originator_id))}
        if isinstance(event, DefaultDepartment.Claimed):
            return {ORGANISATION.name: (Kind.DEPARTMENT.value, str(event.department_id))}
        return {}
