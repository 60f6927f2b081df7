"""The admin's commands on the organisation, and the routing and SLA terms that
tickets take from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from .business_time import add_business_minutes
from .calendar import BusinessCalendar
from .errors import Conflict, NotFound
from .organisation import (
    AssignMode,
    DefaultDepartment,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from .sla import SLATerms
from .values import Priority
from .write_path import CONFLICT_RETRIES, Intent, Outcome, WritePath

A = TypeVar("A", bound=Aggregate)


class OrganisationCommands(WritePath):
    def define_calendar(self, name: str, calendar: BusinessCalendar, intent: Intent) -> Outcome:
        return self._define(
            intent, lambda: WorkCalendar.define(uuid4(), name, calendar, intent.origin)
        )

    def define_plan(self, name: str, terms: PlanTerms, intent: Intent) -> Outcome:
        self._check_calendar(terms)
        return self._define(intent, lambda: SLAPlan.define(uuid4(), name, terms, intent.origin))

    def revise_plan(self, plan_id: UUID, name: str, terms: PlanTerms, intent: Intent) -> Outcome:
        """A new version of the plan; tickets already running keep theirs."""
        self._check_calendar(terms)
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            plan = self._get(SLAPlan, plan_id)
            plan.revise(name, terms, intent.origin)
            outcome = self._try_save(plan, intent, 200)
            if outcome is not None:
                return outcome
        raise Conflict("the plan kept changing; try again")

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
    ) -> Outcome:
        """The first department created becomes the default one."""
        if sla_plan_id is not None:
            self._reference(SLAPlan, sla_plan_id, "sla_plan_id")

        def define() -> Department:
            return Department.define(
                uuid4(), name, sla_plan_id, auto_assign, auto_close_days, reopen_days, intent.origin
            )

        default = DefaultDepartment.ID not in self.repository
        return self._define(intent, define, claim_default=default)

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
        return self._define(
            intent,
            lambda: HelpTopic.define(
                uuid4(), name, department_id, priority, sla_plan_id, intent.origin
            ),
        )

    def one(self, cls: type[A], aggregate_id: UUID) -> A:
        return self._get(cls, aggregate_id)

    def many(self, cls: type[A], after: int, limit: int) -> tuple[list[A], int]:
        created: Any = cls.Defined  # type: ignore[attr-defined]
        return self._listing(created, cls, after, limit)

    # Routing and terms

    def route(
        self, help_topic_id: UUID | None, department_id: UUID | None, priority: Priority | None
    ) -> tuple[UUID | None, Priority, SLATerms | None]:
        """Department, priority and SLA terms of a new ticket: the help topic sets all
        three, an explicit priority wins, and without either the default department."""
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
        )

    def _check_calendar(self, terms: PlanTerms) -> None:
        if terms.calendar_id is not None:
            self._reference(WorkCalendar, terms.calendar_id, "calendar_id")

    def _define(
        self, intent: Intent, make: Callable[[], Aggregate], claim_default: bool = False
    ) -> Outcome:
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            aggregate = make()
            others = [DefaultDepartment.claim(aggregate.id, intent.origin)] if claim_default else []
            outcome = self._try_save(aggregate, intent, 201, *others)
            if outcome is not None:
                return outcome
            claim_default = claim_default and DefaultDepartment.ID not in self.repository
        raise Conflict("could not save; try again")
