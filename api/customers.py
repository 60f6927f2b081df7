"""`/v1/customers`: the people the desk serves (admins register and read them)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.values import Actor, Role
from wiring.erasure import erase_customer

from .auth import allow
from .deps import IntentDep, ServicesDep
from .intent import answer_headers
from .openapi import CREATE, WAITS, problems
from .params import Cursor, Limit, MinPosition
from .people import listing, one, register
from .people_schemas import ErasureView, PersonList, PersonView, RegisterCustomer

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

    @post(
        "/{person_id:uuid}/erase",
        operation_id="eraseCustomer",
        responses=problems(400, 404),
        sync_to_thread=True,
        status_code=200,
    )
    def erase(
        self, services: ServicesDep, intent: IntentDep, person_id: FromPath[UUID]
    ) -> Response[ErasureView]:
        """Erases the customer for good (crypto-shredding): their name, address, message
        bodies and attachments read `[erased]` everywhere, while the history's shape, the
        SLA figures, reports and `verify` stay as they were. Idempotent."""
        erased = erase_customer(services, person_id, intent)
        view = ErasureView(person_id, True, erased.tickets, erased.scrubbed)
        return Response(view, headers=answer_headers(services, erased.outcome))

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
