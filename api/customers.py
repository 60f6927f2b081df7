"""`/v1/customers`: the people the desk serves (admins register and read them)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.values import Actor, Role

from .auth import allow
from .deps import IntentDep, ServicesDep
from .openapi import CREATE, WAITS, problems
from .params import Cursor, Limit, MinPosition
from .people import listing, one, register
from .people_schemas import PersonList, PersonView, RegisterCustomer

CUSTOMERS = frozenset({Role.CUSTOMER})


class CustomerController(Controller):
    path = "/v1/customers"
    tags = ["organisation"]
    guards = [allow(Role.ADMIN)]

    @post("/", operation_id="registerCustomer", responses=problems(*CREATE), sync_to_thread=True)
    def register(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[RegisterCustomer]
    ) -> Response[PersonView]:
        """Registers a customer and returns their token, shown this once."""
        return register(services, intent, data, Role.CUSTOMER, [])

    @get("/", operation_id="listCustomers", responses=problems(*WAITS))
    async def list_customers(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> PersonList:
        """Customers in the order they were registered."""
        return await listing(request, services, CUSTOMERS, limit, cursor, min_position)

    @get(
        "/{person_id:uuid}",
        operation_id="getCustomer",
        responses=problems(404),
        sync_to_thread=True,
    )
    def get_customer(self, services: ServicesDep, person_id: FromPath[UUID]) -> PersonView:
        """One customer."""
        return one(services, person_id, CUSTOMERS)
