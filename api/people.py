"""What the staff and customer routes share: a person as shown, registration (the
answer shows the new token once), and listings from the directory."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response

from domain.errors import NotFound
from domain.people import Person
from domain.pipeline import Intent
from domain.timefmt import rfc3339
from domain.values import Role
from projections.directory.queries import people
from wiring.services import Services

from .directory_reads import consistent
from .intent import answer_headers, status_of
from .people_schemas import PersonList, PersonView
from .reads import in_thread


def person_view(person: Person, token: str | None = None) -> PersonView:
    return PersonView(
        id=person.id,
        name=person.name,
        email=person.email,
        role=person.role,
        department_ids=list(person.department_ids),
        created_at=rfc3339(person.created_on),
        away=person.away,
        token=token,
    )


def register(
    services: Services, intent: Intent, data: Any, role: Role, department_ids: list[UUID]
) -> Response[PersonView]:
    issued = services.helpdesk.register_person(
        name=data.name, email=data.email, role=role, department_ids=department_ids, intent=intent
    )
    person = services.helpdesk.person(issued.outcome.aggregate_id, issued.outcome.version)
    return Response(
        person_view(person, issued.token),
        status_code=status_of(issued.outcome),
        headers=answer_headers(services, issued.outcome),
    )


async def listing(
    request: Request[Any, Any, Any],
    services: Services,
    roles: Collection[Role],
    limit: int,
    cursor: str | None,
    min_position: int | None,
) -> PersonList:
    """People with these roles in the order they were registered."""
    await consistent(request, min_position)
    items, next_cursor = await in_thread(lambda: people(services.views, roles, limit, cursor))
    return PersonList(
        items=[msgspec.convert(item, PersonView) for item in items], next_cursor=next_cursor
    )


def one(services: Services, person_id: UUID, roles: Collection[Role]) -> PersonView:
    person = services.helpdesk.person(person_id)
    if person.role not in roles:
        raise NotFound(f"no such person {person_id}")
    return person_view(person)
