"""Reads of the directory, each made of index lookups and ranges, whatever the size of
the data: people by role in the order they registered, the agents the assigner may
choose, the staff the notifier tells, and the organisation's items in the order they
were defined. Listings page by keyset on the log position, fetching one row over the
limit to know whether more follow."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, NamedTuple
from uuid import UUID

from domain.values import Role

from ..base import Table
from ..pages import decode_cursor, encode_cursor, split_page
from ..sql_session import SqlSession
from ..view_store import ViewStore
from .documents import Document
from .handlers import (
    DEFAULT_DEPARTMENT,
    MEMBERSHIPS,
    ORGANISATION,
    PEOPLE,
    DirectoryProjection,
    Kind,
)

PERSON_COLUMNS = (
    "person_id",
    "name",
    "email",
    "role",
    "department_ids",
    "created_at",
    "away",
    "position",
)
Page = tuple[list[Document], str | None]
_CHUNK = 500
"""Ids per lookup statement, well under both stores' limits on bound parameters."""


class Contact(NamedTuple):
    """Someone the notifier writes to."""

    person_id: UUID
    email: str


def people(views: ViewStore, roles: Collection[Role], limit: int, cursor: str | None) -> Page:
    """People of the given roles in registration order: one keyset range of the
    (role, position) index per role, merged, so that customers never slow a list of
    staff however many they are."""
    chosen = sorted(set(roles))
    if not chosen:
        return [], None
    after = _after(cursor)
    columns = ", ".join(PERSON_COLUMNS)
    with views.read() as c:
        table = _live(views, c, PEOPLE)
        each = (
            f"SELECT {columns} FROM {table} WHERE role = ? AND position > ?"
            " ORDER BY position LIMIT ?"
        )
        ranges = " UNION ALL ".join(
            f"SELECT {columns} FROM ({each}) AS r{n}" for n in range(len(chosen))
        )
        params: list[Any] = [p for role in chosen for p in (role.value, after, limit + 1)]
        rows = c.execute(
            f"SELECT {columns} FROM ({ranges}) AS u ORDER BY position LIMIT ?",
            [*params, limit + 1],
        ).fetchall()
    kept, last = split_page(rows, limit)
    items = [_person(r) for r in kept]
    return items, None if last is None else encode_cursor(last[-1])


def person(views: ViewStore, person_id: UUID) -> Document | None:
    """One person as the API shows them (without a token), or None."""
    with views.read() as c:
        table = _live(views, c, PEOPLE)
        row = c.execute(
            f"SELECT {', '.join(PERSON_COLUMNS)} FROM {table} WHERE person_id = ?",
            [str(person_id)],
        ).fetchone()
    return None if row is None else _person(row)


def available_agents(views: ViewStore, department_id: UUID) -> list[UUID]:
    """The department's agents who are not away, in registration order (the assigner's
    rotation goes round them in this order)."""
    with views.read() as c:
        table = _live(views, c, MEMBERSHIPS)
        rows = c.execute(
            f"SELECT person_id FROM {table}"
            " WHERE department_id = ? AND role = ? AND away = 0 ORDER BY position",
            [str(department_id), Role.AGENT.value],
        ).fetchall()
    return [UUID(r[0]) for r in rows]


def staff_to_notify(views: ViewStore, department_id: UUID) -> list[Contact]:
    """Who hears of a department's SLA warnings and breaches: its agents, away or not,
    and every supervisor, in registration order; nobody when the department is unknown.
    The agents' addresses are key lookups (a join would let the planner hash the whole
    people table)."""
    with views.read() as c:
        if _document(views, c, (Kind.DEPARTMENT.value, str(department_id))) is None:
            return []
        members = _live(views, c, MEMBERSHIPS)
        staff = _live(views, c, PEOPLE)
        agents = [
            str(r[0])
            for r in c.execute(
                f"SELECT person_id FROM {members} WHERE department_id = ? AND role = ?",
                [str(department_id), Role.AGENT.value],
            ).fetchall()
        ]
        rows = c.execute(
            f"SELECT person_id, email, position FROM {staff} WHERE role = ?",
            [Role.SUPERVISOR.value],
        ).fetchall()
        for start in range(0, len(agents), _CHUNK):
            chunk = agents[start : start + _CHUNK]
            rows += c.execute(
                f"SELECT person_id, email, position FROM {staff}"
                f" WHERE person_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
    return [Contact(UUID(r[0]), str(r[1])) for r in sorted(rows, key=lambda r: int(r[2]))]


def organisation(views: ViewStore, kind: Kind, limit: int, cursor: str | None) -> Page:
    """Items of one kind in the order they were defined, as the API shows them."""
    after = _after(cursor)
    with views.read() as c:
        table = _live(views, c, ORGANISATION)
        rows = c.execute(
            f"SELECT data, position FROM {table} WHERE kind = ? AND position > ?"
            " ORDER BY position LIMIT ?",
            [kind.value, after, limit + 1],
        ).fetchall()
    kept, last = split_page(rows, limit)
    items = [json.loads(r[0]) for r in kept]
    return items, None if last is None else encode_cursor(last[1])


def organisation_item(views: ViewStore, kind: Kind, item_id: UUID) -> Document | None:
    """One item as the API shows it, or None."""
    with views.read() as c:
        found: Document | None = _document(views, c, (kind.value, str(item_id)))
    return found


def default_department(views: ViewStore) -> UUID | None:
    """The department tickets without a topic or department go to, once there is one."""
    with views.read() as c:
        found = _document(views, c, DEFAULT_DEPARTMENT)
    return None if found is None else UUID(found)


def _document(views: ViewStore, c: SqlSession, key: tuple[Any, ...]) -> Any:
    table = _live(views, c, ORGANISATION)
    row = c.execute(f"SELECT data FROM {table} WHERE kind = ? AND item_id = ?", key).fetchone()
    return None if row is None else json.loads(row[0])


def _person(row: tuple[Any, ...]) -> Document:
    shown = dict(zip(PERSON_COLUMNS, row, strict=True))
    del shown["position"]
    shown["id"] = shown.pop("person_id")
    shown["department_ids"] = json.loads(shown["department_ids"])
    shown["away"] = bool(shown["away"])
    return shown


def _after(cursor: str | None) -> int:
    return 0 if cursor is None else int(decode_cursor(cursor, (int,))[0])


def _live(views: ViewStore, c: SqlSession, table: Table) -> str:
    return views.live_table(c, DirectoryProjection, table)
