"""`/v1/departments`: where tickets are worked (admins define, staff read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.organisation import AssignMode, Department
from domain.pipeline import Outcome
from domain.values import STAFF, Actor, Role
from projections.directory import documents
from projections.directory.handlers import Kind
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .directory_reads import answer, page, view
from .openapi import CREATE, WAITS, problems
from .org_schemas import DefineDepartment, DepartmentList, DepartmentView
from .params import Cursor, Limit, MinPosition


def shown(services: Services, department_id: UUID) -> dict[str, Any]:
    department = services.helpdesk.one(Department, department_id)
    default = services.helpdesk.default_department() == department.id
    return documents.department(department.id, department.created_on, department, default)


def answered(services: Services, outcome: Outcome) -> Response[DepartmentView]:
    return answer(services, outcome, shown(services, outcome.aggregate_id), DepartmentView)


class DepartmentController(Controller):
    path = "/v1/departments"
    tags = ["organisation"]

    @post(
        "/",
        operation_id="defineDepartment",
        responses=problems(*CREATE),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def define(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[DefineDepartment]
    ) -> Response[DepartmentView]:
        """A department; the first one defined becomes the default."""
        outcome = services.helpdesk.define_department(
            data.name,
            data.sla_plan_id,
            AssignMode(data.auto_assign),
            data.auto_close_days,
            data.reopen_days,
            intent,
            data.mail_address,
        )
        return answered(services, outcome)

    @get("/", operation_id="listDepartments", responses=problems(*WAITS), guards=[allow(*STAFF)])
    async def list_all(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> DepartmentList:
        """Departments in the order they were defined."""
        items, next_cursor = await page(
            request, services, Kind.DEPARTMENT, DepartmentView, limit, cursor, min_position
        )
        return DepartmentList(items=items, next_cursor=next_cursor)

    @get(
        "/{department_id:uuid}",
        operation_id="getDepartment",
        responses=problems(404),
        guards=[allow(*STAFF)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, department_id: FromPath[UUID]) -> DepartmentView:
        """One department."""
        return view(shown(services, department_id), DepartmentView)
