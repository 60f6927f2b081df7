"""`/v1/calendars`: business-hours calendars (admins define, staff read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.calendar import BusinessCalendar
from domain.organisation import WorkCalendar
from domain.pipeline import Outcome
from domain.values import STAFF, Actor, Role
from projections.directory import documents
from projections.directory.handlers import Kind
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .directory_reads import answer, page, view
from .openapi import CREATE, WAITS, problems
from .org_schemas import CalendarList, CalendarView, DefineCalendar
from .params import Cursor, Limit, MinPosition


def shown(services: Services, calendar_id: UUID) -> dict[str, Any]:
    calendar = services.helpdesk.one(WorkCalendar, calendar_id)
    return documents.calendar(calendar.id, calendar.created_on, calendar)


def answered(services: Services, outcome: Outcome) -> Response[CalendarView]:
    return answer(services, outcome, shown(services, outcome.aggregate_id), CalendarView)


class CalendarController(Controller):
    path = "/v1/calendars"
    tags = ["organisation"]

    @post(
        "/",
        operation_id="defineCalendar",
        responses=problems(*CREATE),
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def define(
        self, services: ServicesDep, intent: IntentDep, data: JSONBody[DefineCalendar]
    ) -> Response[CalendarView]:
        """A business-hours calendar: an IANA zone, frames per weekday, holidays."""
        calendar = BusinessCalendar.define(data.timezone, data.hours, data.holidays)
        return answered(services, services.helpdesk.define_calendar(data.name, calendar, intent))

    @get("/", operation_id="listCalendars", responses=problems(*WAITS), guards=[allow(*STAFF)])
    async def list_all(
        self,
        request: Request[Actor, Any, Any],
        services: ServicesDep,
        limit: Limit = 50,
        cursor: Cursor = None,
        min_position: MinPosition = None,
    ) -> CalendarList:
        """Calendars in the order they were defined."""
        items, next_cursor = await page(
            request, services, Kind.CALENDAR, CalendarView, limit, cursor, min_position
        )
        return CalendarList(items=items, next_cursor=next_cursor)

    @get(
        "/{calendar_id:uuid}",
        operation_id="getCalendar",
        responses=problems(404),
        guards=[allow(*STAFF)],
        sync_to_thread=True,
    )
    def one(self, services: ServicesDep, calendar_id: FromPath[UUID]) -> CalendarView:
        """One calendar."""
        return view(shown(services, calendar_id), CalendarView)
