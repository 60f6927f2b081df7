"""Where a new ticket goes and which SLA terms it runs under: the help topic sets the
department, priority and plan, an explicit priority wins, and without either the
default department takes it."""

from __future__ import annotations

from uuid import UUID, uuid5

from .calendar import BusinessCalendar
from .errors import InvalidInput, NotFound
from .indexes import DepartmentAddress
from .organisation import (
    DefaultDepartment,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from .pipeline import CommandPipeline
from .sla import SLATerms
from .values import Priority

HYPOTHETICAL_PLAN = uuid5(UUID(int=0), "what-if")
"""The id a hypothetical plan runs under: no stored plan has it, so a replayed transfer
never switches to another department's plan."""


class Routing(CommandPipeline):
    def route(
        self, help_topic_id: UUID | None, department_id: UUID | None, priority: Priority | None
    ) -> tuple[UUID | None, Priority, SLATerms | None]:
        """Department, priority and SLA terms of a new ticket."""
        plan_id: UUID | None = None
        if help_topic_id is not None:
            topic = self._reference(HelpTopic, help_topic_id, "help_topic_id")
            department_id = department_id or topic.department_id
            priority = priority or topic.priority
            plan_id = topic.sla_plan_id
        if department_id is None:
            department_id = self.default_department()
        if department_id is not None:
            department = self._reference(Department, department_id, "department_id")
            plan_id = plan_id or department.sla_plan_id
        terms = None if plan_id is None else self.sla_terms(plan_id)
        return department_id, priority or Priority.NORMAL, terms

    def department_for_address(self, addresses: list[str]) -> UUID | None:
        """The department the first of these addresses belongs to, or None."""
        for address in addresses:
            try:
                claim = self._get(DepartmentAddress, DepartmentAddress.id_for(address))
            except (NotFound, InvalidInput):
                continue
            return claim.department_id
        return None

    def department_address(self, department_id: UUID | None) -> str | None:
        """The department's own mail address, if it has one."""
        if department_id is None:
            return None
        try:
            department = self._get(Department, department_id)
        except NotFound:
            return None
        return getattr(department, "mail_address", None)

    def default_department(self) -> UUID | None:
        try:
            return self._get(DefaultDepartment, DefaultDepartment.ID).department_id
        except NotFound:
            return None

    def department_terms(self, department_id: UUID) -> SLATerms | None:
        department = self._reference(Department, department_id, "department_id")
        return None if department.sla_plan_id is None else self.sla_terms(department.sla_plan_id)

    def sla_terms(self, plan_id: UUID) -> SLATerms:
        """The plan's current version, with its calendar copied in."""
        plan = self._reference(SLAPlan, plan_id, "sla_plan_id")
        terms = plan.current
        calendar = None
        if terms.calendar_id is not None:
            calendar = self._get(WorkCalendar, terms.calendar_id).calendar
        return SLATerms(
            plan_id=plan.id,
            plan_version=plan.current_version,
            first_response_minutes=terms.first_response_minutes,
            resolution_minutes=terms.resolution_minutes,
            warn_at_percent=terms.warn_at_percent,
            pause_statuses=terms.pause_statuses,
            calendar=calendar,
            next_response_minutes=terms.next_response_minutes,
        )

    def hypothetical_terms(
        self, plan: PlanTerms, calendar: BusinessCalendar | None = None
    ) -> SLATerms:
        """Terms no ticket ran under, for what-if: the plan's targets, under its calendar
        (a stored one by `calendar_id`, or one given inline)."""
        plan.check()
        if plan.calendar_id is not None:
            calendar = self._reference(WorkCalendar, plan.calendar_id, "calendar_id").calendar
        return SLATerms(
            plan_id=HYPOTHETICAL_PLAN,
            plan_version=1,
            first_response_minutes=plan.first_response_minutes,
            resolution_minutes=plan.resolution_minutes,
            warn_at_percent=plan.warn_at_percent,
            pause_statuses=plan.pause_statuses,
            calendar=calendar,
            next_response_minutes=plan.next_response_minutes,
        )
