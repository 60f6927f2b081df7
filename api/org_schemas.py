"""Request and response bodies of the organisation routes (admin)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from domain.lifecycle import ACTIVE
from domain.organisation import NAME_MAX, AssignMode
from domain.values import Priority, Status

from .vocabulary import one_of

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=525_600)]
Percent = Annotated[int, msgspec.Meta(ge=1, le=99)]
Days = Annotated[int, msgspec.Meta(ge=1, le=365)]
Span = Annotated[list[str], msgspec.Meta(min_length=2, max_length=2)]
ActiveStatus = Annotated[str, one_of(ACTIVE)]
"""A status that may pause the SLA clock: one of the active ones."""


class DefineCalendar(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    hours: dict[str, Annotated[list[Span], msgspec.Meta(max_length=24)]]
    holidays: Annotated[list[str], msgspec.Meta(max_length=1000)] = msgspec.field(
        default_factory=list
    )


class CalendarView(msgspec.Struct):
    id: UUID
    name: str
    timezone: str
    hours: dict[str, list[list[str]]]
    holidays: list[str]
    created_at: str


class DefinePlan(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    first_response_minutes: Minutes
    resolution_minutes: Minutes
    calendar_id: UUID | None = None
    next_response_minutes: Minutes | None = None
    warn_at_percent: Percent = 80
    pause_statuses: list[ActiveStatus] = msgspec.field(
        default_factory=lambda: [Status.AWAITING_CUSTOMER.value]
    )


class PlanVersionView(msgspec.Struct):
    version: int
    first_response_minutes: int
    resolution_minutes: int
    next_response_minutes: int | None
    calendar_id: UUID | None
    warn_at_percent: int
    pause_statuses: list[Status]


class PlanView(msgspec.Struct):
    id: UUID
    name: str
    version: int
    first_response_minutes: int
    resolution_minutes: int
    next_response_minutes: int | None
    calendar_id: UUID | None
    warn_at_percent: int
    pause_statuses: list[Status]
    versions: list[PlanVersionView]
    created_at: str


class Preview(msgspec.Struct, forbid_unknown_fields=True):
    start: str


class PreviewView(msgspec.Struct):
    first_response_due: str
    resolution_due: str


class DefineDepartment(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    sla_plan_id: UUID | None = None
    auto_assign: AssignMode = AssignMode.NONE
    auto_close_days: Days = 7
    reopen_days: Days = 14
    mail_address: str | None = None
    """Mail to this address opens tickets in the department; its mail answers from it."""


class DepartmentView(msgspec.Struct):
    id: UUID
    name: str
    sla_plan_id: UUID | None
    auto_assign: AssignMode
    auto_close_days: int
    reopen_days: int
    default: bool
    created_at: str
    mail_address: str | None = None


class DefineHelpTopic(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    department_id: UUID
    priority: Priority = Priority.NORMAL
    sla_plan_id: UUID | None = None


class HelpTopicView(msgspec.Struct):
    id: UUID
    name: str
    department_id: UUID
    priority: Priority
    sla_plan_id: UUID | None
    created_at: str


class CalendarList(msgspec.Struct):
    items: list[CalendarView]
    next_cursor: str | None


class PlanList(msgspec.Struct):
    items: list[PlanView]
    next_cursor: str | None


class DepartmentList(msgspec.Struct):
    items: list[DepartmentView]
    next_cursor: str | None


class HelpTopicList(msgspec.Struct):
    items: list[HelpTopicView]
    next_cursor: str | None


class InlineCalendar(msgspec.Struct, forbid_unknown_fields=True):
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    hours: dict[str, Annotated[list[Span], msgspec.Meta(max_length=24)]]
    holidays: Annotated[list[str], msgspec.Meta(max_length=1000)] = msgspec.field(
        default_factory=list
    )


class HypotheticalPlan(msgspec.Struct, forbid_unknown_fields=True):
    """The fields of an SLA plan, under a stored calendar (`calendar_id`), one given
    here (`calendar`), or none (round the clock)."""

    first_response_minutes: Minutes
    resolution_minutes: Minutes
    next_response_minutes: Minutes | None = None
    warn_at_percent: Percent = 80
    pause_statuses: list[ActiveStatus] = msgspec.field(
        default_factory=lambda: [Status.AWAITING_CUSTOMER.value]
    )
    calendar_id: UUID | None = None
    calendar: InlineCalendar | None = None
