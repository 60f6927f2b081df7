"""`/v1/agents`: staff members (admins register and read them; staff set their own
availability)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.values import STAFF, Actor, Role

from .auth import allow
from .deps import IntentDep, ServicesDep
from .intent import answer_headers, status_of
from .openapi import CHANGE, CREATE, WAITS, problems
from .params import Cursor, Limit, MinPosition
from .people import listing, one, person_view, register
from .people_schemas import PersonList, PersonView, RegisterAgent, SetAvailability


class AgentController(Controller):
    path = "/v1/agents"
    tags = ["organisation"]

    @post(
        "/",
        operation_id="registerAgent",
        responses=problems(*CREATE),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def register(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[RegisterAgent]
    ) -> Response[PersonView]:
        """Registers a staff member and returns their token, shown this once."""
        return register(services, intent, data, Role(data.role), data.department_ids)

    @post(
        "/{person_id:uuid}/availability",
        operation_id="setAvailability",
        responses=problems(*CHANGE),
        status_code=200,
        guards=[allow(*STAFF)],
        sync_to_thread=True,
    )
    def availability(
        self,
        services: ServicesDep,
        intent: IntentDep,
        person_id: FromPath[UUID],
        data: JSONBody[SetAvailability],
    ) -> Response[PersonView]:
        """Marks a staff member away (no new tickets from the assigner) or back;
        staff change their own, admins anyone's."""
        outcome = services.helpdesk.set_away(person_id, data.away, intent)
        person = services.helpdesk.person(outcome.aggregate_id, outcome.version)
        return Response(
            person_view(person),
            status_code=status_of(outcome),
            headers=answer_headers(services, outcome),
        )

    @get("/", operation_id="listAgents", responses=problems(*WAITS), guards=[allow(Role.ADMIN)])
    async def list_agents(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> PersonList:
        """Staff members in the order they were registered."""
        return await listing(request, services, STAFF, limit, cursor, min_position)

    @get(
        "/{person_id:uuid}",
        operation_id="getAgent",
        responses=problems(404),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def get_agent(self, services: ServicesDep, person_id: FromPath[UUID]) -> PersonView:
        """One staff member."""
        return one(services, person_id, STAFF)
