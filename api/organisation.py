"""The organisation (admin writes, staff reads): calendars, SLA plans, departments and
help topics. Customers may read help topics, to choose one when opening a ticket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.errors import InvalidInput
from domain.organisation import (
    AssignMode,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from domain.pipeline import Outcome
from domain.timefmt import rfc3339
from domain.values import Actor, Priority, Role, Status
from projections.pages import position_cursor
from wiring.services import Services

from .auth import EVERYONE, allow
from .commands import answer_headers, intent_for, status_of
from .deps import ServicesDep
from .org_schemas import (
    CalendarView,
    DefineCalendar,
    DefineDepartment,
    DefineHelpTopic,
    DefinePlan,
    DepartmentView,
    HelpTopicView,
    PlanVersionView,
    PlanView,
    Preview,
    PreviewView,
)

A = TypeVar("A", bound=Aggregate)
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
STAFF_READERS = tuple(r for r in Role if r is not Role.CUSTOMER)


class Listing(msgspec.Struct):
    items: list[Any]
    next_cursor: str | None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def calendar_view(c: WorkCalendar) -> CalendarView:
    cal = c.calendar
    return CalendarView(
        id=c.id,
        name=c.name,
        timezone=cal.timezone,
        hours={
            day: [[_hhmm(f.start), _hhmm(f.end)] for f in frames]
            for day, frames in zip(WEEKDAYS, cal.hours, strict=True)
            if frames
        },
        holidays=sorted(d.isoformat() for d in cal.holidays),
        created_at=rfc3339(c.created_on),
    )


def _version_view(n: int, t: PlanTerms) -> PlanVersionView:
    return PlanVersionView(
        version=n,
        first_response_minutes=t.first_response_minutes,
        resolution_minutes=t.resolution_minutes,
        next_response_minutes=t.next_response_minutes,
        calendar_id=t.calendar_id,
        warn_at_percent=t.warn_at_percent,
        pause_statuses=[s.value for s in t.pause_statuses],
    )


def plan_view(p: SLAPlan) -> PlanView:
    current = _version_view(p.current_version, p.current)
    return PlanView(
        id=p.id,
        name=p.name,
        versions=[_version_view(n, t) for n, t in enumerate(p.versions, 1)],
        created_at=rfc3339(p.created_on),
        **msgspec.structs.asdict(current),
    )


def department_view(d: Department, default: UUID | None) -> DepartmentView:
    return DepartmentView(
        id=d.id,
        name=d.name,
        sla_plan_id=d.sla_plan_id,
        auto_assign=d.auto_assign.value,
        auto_close_days=d.auto_close_days,
        reopen_days=d.reopen_days,
        default=d.id == default,
        created_at=rfc3339(d.created_on),
    )


def topic_view(t: HelpTopic) -> HelpTopicView:
    return HelpTopicView(
        id=t.id,
        name=t.name,
        department_id=t.department_id,
        priority=t.priority.value,
        sla_plan_id=t.sla_plan_id,
        created_at=rfc3339(t.created_on),
    )


def _terms(data: DefinePlan) -> PlanTerms:
    return PlanTerms(
        first_response_minutes=data.first_response_minutes,
        resolution_minutes=data.resolution_minutes,
        next_response_minutes=data.next_response_minutes,
        warn_at_percent=data.warn_at_percent,
        pause_statuses=tuple(Status(s) for s in dict.fromkeys(data.pause_statuses)),
        calendar_id=data.calendar_id,
    )


def _answer(
    services: Services, outcome: Outcome, cls: type[A], view: Callable[[A], Any]
) -> Response[Any]:
    aggregate = outcome.aggregate
    if not isinstance(aggregate, cls):
        aggregate = services.helpdesk.one(cls, outcome.aggregate_id)
    return Response(
        view(aggregate), status_code=status_of(outcome), headers=answer_headers(services, outcome)
    )


def _page(
    services: Services, cls: type[A], view: Callable[[A], Any], limit: int, cursor: str | None
) -> Listing:
    after = position_cursor(cursor)
    found, last = services.helpdesk.many(cls, after, limit)
    return Listing(
        items=[view(a) for a in found], next_cursor=str(last) if len(found) == limit else None
    )


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("start", "start must be an RFC 3339 time") from None
    if at.tzinfo is None:
        raise InvalidInput("start", "start needs a time zone, like 2026-01-02T03:04:05Z")
    return at


class CalendarController(Controller):
    path = "/v1/calendars"
    tags = ["organisation"]

    @post("/", operation_id="defineCalendar", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def define(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        data: JSONBody[DefineCalendar],
    ) -> Response[Any]:
        """A business-hours calendar: an IANA zone, frames per weekday, holidays."""
        calendar = BusinessCalendar.define(data.timezone, data.hours, data.holidays)
        outcome = services.helpdesk.define_calendar(
            data.name, calendar, intent_for(request, services, data)
        )
        return _answer(services, outcome, WorkCalendar, calendar_view)

    @get("/", operation_id="listCalendars", guards=[allow(*STAFF_READERS)], sync_to_thread=True)
    def list_all(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> Listing:
        """Calendars in the order they were defined."""
        return _page(services, WorkCalendar, calendar_view, limit, cursor)

    @get(
        "/{calendar_id:uuid}",
        operation_id="getCalendar",
        guards=[allow(*STAFF_READERS)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, calendar_id: FromPath[UUID]) -> CalendarView:
        """One calendar."""
        return calendar_view(services.helpdesk.one(WorkCalendar, calendar_id))


class PlanController(Controller):
    path = "/v1/sla-plans"
    tags = ["organisation"]

    @post("/", operation_id="definePlan", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def define(
        self, request: Request[Actor, Any, Any], services: ServicesDep, data: JSONBody[DefinePlan]
    ) -> Response[Any]:
        """An SLA plan: targets in business minutes under a calendar (none: 24x7)."""
        outcome = services.helpdesk.define_plan(
            data.name, _terms(data), intent_for(request, services, data)
        )
        return _answer(services, outcome, SLAPlan, plan_view)

    @post(
        "/{plan_id:uuid}/versions",
        operation_id="revisePlan",
        guards=[allow(Role.ADMIN)],
        status_code=200,
        sync_to_thread=True,
    )
    def revise(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        plan_id: FromPath[UUID],
        data: JSONBody[DefinePlan],
    ) -> Response[Any]:
        """A new version of the plan; running tickets keep the version they started under."""
        outcome = services.helpdesk.revise_plan(
            plan_id, data.name, _terms(data), intent_for(request, services, data)
        )
        return _answer(services, outcome, SLAPlan, plan_view)

    @post(
        "/{plan_id:uuid}/preview",
        operation_id="previewPlan",
        guards=[allow(*STAFF_READERS)],
        status_code=200,
        sync_to_thread=True,
    )
    def preview(
        self, services: ServicesDep, plan_id: FromPath[UUID], data: JSONBody[Preview]
    ) -> PreviewView:
        """The due times the plan's current version gives a ticket opened at `start`."""
        first, resolution = services.helpdesk.preview_plan(plan_id, _instant(data.start))
        return PreviewView(first_response_due=rfc3339(first), resolution_due=rfc3339(resolution))

    @get("/", operation_id="listPlans", guards=[allow(*STAFF_READERS)], sync_to_thread=True)
    def list_all(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> Listing:
        """SLA plans in the order they were defined, each with its versions."""
        return _page(services, SLAPlan, plan_view, limit, cursor)

    @get(
        "/{plan_id:uuid}",
        operation_id="getPlan",
        guards=[allow(*STAFF_READERS)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, plan_id: FromPath[UUID]) -> PlanView:
        """One SLA plan with every version."""
        return plan_view(services.helpdesk.one(SLAPlan, plan_id))


class DepartmentController(Controller):
    path = "/v1/departments"
    tags = ["organisation"]

    @post("/", operation_id="defineDepartment", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def define(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        data: JSONBody[DefineDepartment],
    ) -> Response[Any]:
        """A department; the first one defined becomes the default."""
        outcome = services.helpdesk.define_department(
            data.name,
            data.sla_plan_id,
            AssignMode(data.auto_assign),
            data.auto_close_days,
            data.reopen_days,
            intent_for(request, services, data),
        )
        default = services.helpdesk.default_department()
        return _answer(services, outcome, Department, lambda d: department_view(d, default))

    @get("/", operation_id="listDepartments", guards=[allow(*STAFF_READERS)], sync_to_thread=True)
    def list_all(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> Listing:
        """Departments in the order they were defined."""
        default = services.helpdesk.default_department()
        return _page(services, Department, lambda d: department_view(d, default), limit, cursor)

    @get(
        "/{department_id:uuid}",
        operation_id="getDepartment",
        guards=[allow(*STAFF_READERS)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, department_id: FromPath[UUID]) -> DepartmentView:
        """One department."""
        default = services.helpdesk.default_department()
        return department_view(services.helpdesk.one(Department, department_id), default)


class HelpTopicController(Controller):
    path = "/v1/help-topics"
    tags = ["organisation"]

    @post("/", operation_id="defineHelpTopic", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def define(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        data: JSONBody[DefineHelpTopic],
    ) -> Response[Any]:
        """A help topic: it routes new tickets to its department, priority and plan."""
        outcome = services.helpdesk.define_help_topic(
            data.name,
            data.department_id,
            Priority(data.priority),
            data.sla_plan_id,
            intent_for(request, services, data),
        )
        return _answer(services, outcome, HelpTopic, topic_view)

    @get("/", operation_id="listHelpTopics", guards=[allow(*EVERYONE)], sync_to_thread=True)
    def list_all(
        self, services: ServicesDep, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> Listing:
        """Help topics in the order they were defined (customers pick one)."""
        return _page(services, HelpTopic, topic_view, limit, cursor)

    @get(
        "/{topic_id:uuid}",
        operation_id="getHelpTopic",
        guards=[allow(*EVERYONE)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, topic_id: FromPath[UUID]) -> HelpTopicView:
        """One help topic."""
        return topic_view(services.helpdesk.one(HelpTopic, topic_id))
