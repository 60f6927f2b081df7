"""`/v1/sla-plans`: versioned SLA plans (admins define and revise, staff read and preview)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.organisation import PlanTerms, SLAPlan
from domain.pipeline import Outcome
from domain.timefmt import rfc3339
from domain.values import STAFF, Actor, Role, Status
from projections.directory import documents
from projections.directory.handlers import Kind
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .directory_reads import answer, page, view
from .openapi import CHANGE, CREATE, WAITS, problems
from .org_schemas import DefinePlan, HypotheticalPlan, PlanList, PlanView, Preview, PreviewView
from .params import Cursor, Limit, MinPosition
from .times import instant


def shown(services: Services, plan_id: UUID, version: int | None = None) -> dict[str, Any]:
    plan = services.helpdesk.one(SLAPlan, plan_id, version)
    return documents.plan(plan.id, plan.created_on, plan.name, plan.versions)


def answered(services: Services, outcome: Outcome) -> Response[PlanView]:
    """The plan as the command left it: a replay answers the first answer, not later
    versions."""
    plan = shown(services, outcome.aggregate_id, outcome.version)
    return answer(services, outcome, plan, PlanView)


def terms(data: DefinePlan | HypotheticalPlan) -> PlanTerms:
    """A plan's targets as the domain takes them (what-if's hypothetical plans too)."""
    return PlanTerms(
        first_response_minutes=data.first_response_minutes,
        resolution_minutes=data.resolution_minutes,
        next_response_minutes=data.next_response_minutes,
        warn_at_percent=data.warn_at_percent,
        pause_statuses=tuple(Status(s) for s in dict.fromkeys(data.pause_statuses)),
        calendar_id=data.calendar_id,
    )


class PlanController(Controller):
    path = "/v1/sla-plans"
    tags = ["organisation"]

    @post(
        "/",
        operation_id="definePlan",
        responses=problems(*CREATE),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def define(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[DefinePlan]
    ) -> Response[PlanView]:
        """An SLA plan: targets in business minutes under a calendar (none: 24x7)."""
        return answered(services, services.helpdesk.define_plan(data.name, terms(data), intent))

    @post(
        "/{plan_id:uuid}/versions",
        operation_id="revisePlan",
        responses=problems(*CHANGE),
        guards=[allow(Role.ADMIN)],
        status_code=200,
        sync_to_thread=True,
    )
    def revise(
        self,
        services: ServicesDep,
        intent: IntentDep,
        plan_id: FromPath[UUID],
        data: JSONBody[DefinePlan],
    ) -> Response[PlanView]:
        """A new version of the plan; running tickets keep the version they started under."""
        outcome = services.helpdesk.revise_plan(plan_id, data.name, terms(data), intent)
        return answered(services, outcome)

    @post(
        "/{plan_id:uuid}/preview",
        operation_id="previewPlan",
        responses=problems(404, 413),
        guards=[allow(*STAFF)],
        status_code=200,
        sync_to_thread=True,
    )
    def preview(
        self, services: ServicesDep, plan_id: FromPath[UUID], data: JSONBody[Preview]
    ) -> PreviewView:
        """The due times the plan's current version gives a ticket opened at `start`."""
        first, resolution = services.helpdesk.preview_plan(plan_id, instant("start", data.start))
        return PreviewView(first_response_due=rfc3339(first), resolution_due=rfc3339(resolution))

    @get("/", operation_id="listPlans", responses=problems(*WAITS), guards=[allow(*STAFF)])
    async def list_all(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> PlanList:
        """SLA plans in the order they were defined, each with its versions."""
        items, next_cursor = await page(
            request, services, Kind.PLAN, PlanView, limit, cursor, min_position
        )
        return PlanList(items=items, next_cursor=next_cursor)

    @get(
        "/{plan_id:uuid}",
        operation_id="getPlan",
        responses=problems(404),
        guards=[allow(*STAFF)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, plan_id: FromPath[UUID]) -> PlanView:
        """One SLA plan with every version."""
        return view(shown(services, plan_id), PlanView)
