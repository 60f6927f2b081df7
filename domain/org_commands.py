"""The admin's commands on the organisation: calendars, SLA plans, departments, help topics."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from .addresses import mailbox
from .business_time import add_business_minutes
from .calendar import BusinessCalendar
from .errors import Duplicate, InvalidInput
from .indexes import DepartmentAddress
from .organisation import (
    AssignMode,
    DefaultDepartment,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from .pipeline import Decision, Intent, Outcome
from .routing import Routing
from .values import Priority


class OrganisationCommands(Routing):
    def define_calendar(self, name: str, calendar: BusinessCalendar, intent: Intent) -> Outcome:
        return self.create(
            intent,
            lambda: Decision(WorkCalendar.define(uuid4(), name, calendar, intent.origin)),
        )

    def define_plan(self, name: str, terms: PlanTerms, intent: Intent) -> Outcome:
        self._check_calendar(terms)
        return self.create(
            intent, lambda: Decision(SLAPlan.define(uuid4(), name, terms, intent.origin))
        )

    def revise_plan(self, plan_id: UUID, name: str, terms: PlanTerms, intent: Intent) -> Outcome:
        """A new version of the plan; tickets already running keep theirs."""
        self._check_calendar(terms)
        return self.change(
            intent,
            lambda: self._get(SLAPlan, plan_id),
            lambda plan: plan.revise(name, terms, intent.origin),
        )

    def preview_plan(self, plan_id: UUID, start: datetime) -> tuple[datetime, datetime]:
        """The due times (first response, resolution) the plan gives a ticket opened at
        `start`."""
        self._get(SLAPlan, plan_id)
        terms = self.sla_terms(plan_id)
        return (
            add_business_minutes(terms.calendar, start, terms.first_response_minutes),
            add_business_minutes(terms.calendar, start, terms.resolution_minutes),
        )

    def define_department(
        self,
        name: str,
        sla_plan_id: UUID | None,
        auto_assign: AssignMode,
        auto_close_days: int,
        reopen_days: int,
        intent: Intent,
        mail_address: str | None = None,
    ) -> Outcome:
        """The first department created becomes the default one: it claims the default
        in the same transaction, so two first departments created at once cannot both.
        A mail address is claimed the same way: one department per address."""
        if sla_plan_id is not None:
            self._reference(SLAPlan, sla_plan_id, "sla_plan_id")
        address = None if mail_address is None else _department_address(mail_address)

        def decide() -> Decision:
            department = Department.define(
                uuid4(),
                name,
                sla_plan_id,
                auto_assign,
                auto_close_days,
                reopen_days,
                intent.origin,
                address,
            )
            claims: list[Aggregate] = []
            if address is not None:
                if self.exists(DepartmentAddress.id_for(address)):
                    raise Duplicate(f"{address} is another department's address already")
                claims.append(DepartmentAddress.claim(address, department.id, intent.origin))
            if not self.exists(DefaultDepartment.ID):
                claims.append(DefaultDepartment.claim(department.id, intent.origin))
            return Decision(department, claims)

        return self.create(intent, decide)

    def define_help_topic(
        self,
        name: str,
        department_id: UUID,
        priority: Priority,
        sla_plan_id: UUID | None,
        intent: Intent,
    ) -> Outcome:
        self._reference(Department, department_id, "department_id")
        if sla_plan_id is not None:
            self._reference(SLAPlan, sla_plan_id, "sla_plan_id")
        return self.create(
            intent,
            lambda: Decision(
                HelpTopic.define(uuid4(), name, department_id, priority, sla_plan_id, intent.origin)
            ),
        )

    def _check_calendar(self, terms: PlanTerms) -> None:
        if terms.calendar_id is not None:
            self._reference(WorkCalendar, terms.calendar_id, "calendar_id")


def _department_address(address: str) -> str:
    try:
        return mailbox(address).address
    except InvalidInput as e:
        raise InvalidInput("mail_address", e.detail.replace("email", "mail_address")) from None
