"""Staff and customer registration (admin): each answer shows the new token once."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.errors import NotFound
from domain.people import Person
from domain.timefmt import rfc3339
from domain.values import Actor, Role
from projections.pages import position_cursor
from wiring.services import Services

from .auth import allow
from .commands import answer_headers, intent_for
from .deps import ServicesDep
from .people_schemas import (
    PersonList,
    PersonView,
    RegisterAgent,
    RegisterCustomer,
    SetAvailability,
)

STAFF_ROLES = frozenset(Role) - {Role.CUSTOMER}
Limit = Annotated[int, QueryParameter(ge=1, le=200)]


def person_view(person: Person, token: str | None = None) -> PersonView:
    return PersonView(
        id=person.id,
        name=person.name,
        email=person.email,
        role=person.role.value,
        department_ids=list(person.department_ids),
        created_at=rfc3339(person.created_on),
        away=person.away,
        token=token,
    )


def _register(
    request: Request[Actor, Any, Any],
    services: Services,
    data: Any,
    role: Role,
    department_ids: list[UUID],
) -> Response[PersonView]:
    intent = intent_for(request, services, data)
    issued = services.helpdesk.register_person(
        name=data.name, email=data.email, role=role, department_ids=department_ids, intent=intent
    )
    outcome = issued.outcome
    person = outcome.aggregate
    if not isinstance(person, Person):
        person = services.helpdesk.person(outcome.aggregate_id)
    return Response(
        person_view(person, issued.token),
        status_code=201,
        headers=answer_headers(services, outcome),
    )


def _listing(
    services: Services, roles: frozenset[Role], limit: int, cursor: str | None
) -> PersonList:
    after = position_cursor(cursor)
    people, last = services.helpdesk.people(roles, after, limit)
    return PersonList(
        items=[person_view(p) for p in people],
        next_cursor=str(last) if len(people) == limit else None,
    )


def _one(services: Services, person_id: UUID, roles: frozenset[Role]) -> PersonView:
    person = services.helpdesk.person(person_id)
    if person.role not in roles:
        raise NotFound(f"no such person {person_id}")
    return person_view(person)


class AgentController(Controller):
    path = "/v1/agents"
    tags = ["organisation"]

    @post("/", operation_id="registerAgent", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def register(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        data: JSONBody[RegisterAgent],
    ) -> Response[PersonView]:
        """Registers a staff member and returns their token, shown this once."""
        return _register(request, services, data, Role(data.role), data.department_ids)

    @post(
        "/{person_id:uuid}/availability",
        operation_id="setAvailability",
        status_code=200,
        guards=[allow(*STAFF_ROLES)],
        sync_to_thread=True,
    )
    def availability(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        person_id: FromPath[UUID],
        data: JSONBody[SetAvailability],
    ) -> PersonView:
        """Marks a staff member away (no new tickets from the assigner) or back;
        staff change their own, admins anyone's."""
        outcome = services.helpdesk.set_away(
            person_id, data.away, intent_for(request, services, data)
        )
        return person_view(services.helpdesk.person(outcome.aggregate_id))

    @get("/", operation_id="listAgents", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def list_agents(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> PersonList:
        """Staff members in the order they were registered."""
        return _listing(services, STAFF_ROLES, limit, cursor)

    @get(
        "/{person_id:uuid}",
        operation_id="getAgent",
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def get_agent(self, services: ServicesDep, person_id: FromPath[UUID]) -> PersonView:
        """One staff member."""
        return _one(services, person_id, STAFF_ROLES)


class CustomerController(Controller):
    path = "/v1/customers"
    tags = ["organisation"]
    guards = [allow(Role.ADMIN)]

    @post("/", operation_id="registerCustomer", sync_to_thread=True)
    def register(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        data: JSONBody[RegisterCustomer],
    ) -> Response[PersonView]:
        """Registers a customer and returns their token, shown this once."""
        return _register(request, services, data, Role.CUSTOMER, [])

    @get("/", operation_id="listCustomers", sync_to_thread=True)
    def list_customers(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> PersonList:
        """Customers in the order they were registered."""
        return _listing(services, frozenset({Role.CUSTOMER}), limit, cursor)

    @get("/{person_id:uuid}", operation_id="getCustomer", sync_to_thread=True)
    def get_customer(self, services: ServicesDep, person_id: FromPath[UUID]) -> PersonView:
        """One customer."""
        return _one(services, person_id, frozenset({Role.CUSTOMER}))
