"""The organisation as aggregates, so that every change to it is an audited event:
calendars, SLA plans (versioned), departments and help topics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from .calendar import BusinessCalendar
from .errors import InvalidInput
from .policy import require_text
from .recorded import Recorded, ShallowCopied, who
from .values import Origin, Priority, Status

NAME_MAX = 200
_NAMESPACE = UUID("6c0f3f61-2d4b-4b8e-9a55-0c8f2f1d7e21")


def require_name(name: str) -> None:
    require_text("name", name, NAME_MAX, multiline=False)


class WorkCalendar(ShallowCopied, Aggregate):
    """Business hours in a time zone, with holidays; SLA plans count time in them."""

    name: str
    calendar: BusinessCalendar

    def __init__(self) -> None:
        """State is set by `Defined.apply`."""

    class Defined(Recorded, Aggregate.Created):
        name: str
        calendar: BusinessCalendar

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.calendar = self.calendar

    @classmethod
    def define(
        cls, calendar_id: UUID, name: str, calendar: BusinessCalendar, origin: Origin
    ) -> WorkCalendar:
        require_name(name)
        defined: WorkCalendar = cls._create(
            cls.Defined, id=calendar_id, name=name, calendar=calendar, **who(origin)
        )
        return defined


@dataclass(frozen=True)
class PlanTerms:
    """One version of an SLA plan: targets in business minutes, and when to warn and pause."""

    first_response_minutes: int
    resolution_minutes: int
    next_response_minutes: int | None
    warn_at_percent: int
    pause_statuses: tuple[Status, ...]
    calendar_id: UUID | None

    def check(self) -> None:
        for field in ("first_response_minutes", "resolution_minutes", "next_response_minutes"):
            value = getattr(self, field)
            if value is not None and not 1 <= value <= 525_600:
                raise InvalidInput(field, f"{field} must be from 1 to 525600 (a year)")
        if not 1 <= self.warn_at_percent <= 99:
            raise InvalidInput("warn_at_percent", "warn_at_percent must be from 1 to 99")
        if not set(self.pause_statuses) <= {
            Status.OPEN,
            Status.IN_PROGRESS,
            Status.AWAITING_CUSTOMER,
        }:
            raise InvalidInput(
                "pause_statuses", "only open, in_progress and awaiting_customer can pause the clock"
            )


class SLAPlan(ShallowCopied, Aggregate):
    """Versioned: a change records a new version, and tickets keep the version they
    started under, so compliance is judged under the rules in force at the time."""

    name: str
    versions: list[PlanTerms]

    def __init__(self) -> None:
        """State is set by `Defined.apply`."""

    class Defined(Recorded, Aggregate.Created):
        name: str
        terms: PlanTerms

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.versions = [self.terms]

    class Revised(Recorded):
        name: str
        terms: PlanTerms

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.versions.append(self.terms)

    @classmethod
    def define(cls, plan_id: UUID, name: str, terms: PlanTerms, origin: Origin) -> SLAPlan:
        require_name(name)
        terms.check()
        plan: SLAPlan = cls._create(cls.Defined, id=plan_id, name=name, terms=terms, **who(origin))
        return plan

    def revise(self, name: str, terms: PlanTerms, origin: Origin) -> None:
        require_name(name)
        terms.check()
        self.trigger_event(self.Revised, name=name, terms=terms, **who(origin))

    @property
    def current(self) -> PlanTerms:
        return self.versions[-1]

    @property
    def current_version(self) -> int:
        return len(self.versions)


class AssignMode(StrEnum):
    NONE = "none"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


class Department(ShallowCopied, Aggregate):
    name: str
    sla_plan_id: UUID | None
    auto_assign: AssignMode
    auto_close_days: int
    reopen_days: int
    mail_address: str | None
    """Mail to it opens tickets here; the department's mail answers from it."""

    def __init__(self) -> None:
        """State is set by `Defined.apply`."""

    class Defined(Recorded, Aggregate.Created):
        class_version = 2
        name: str
        sla_plan_id: UUID | None
        auto_assign: AssignMode
        auto_close_days: int
        reopen_days: int
        mail_address: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Departments defined before the email channel have no address of their own."""
            state["mail_address"] = None

        def apply(self, aggregate: Any) -> None:
            for field in (
                "name",
                "sla_plan_id",
                "auto_assign",
                "auto_close_days",
                "reopen_days",
                "mail_address",
            ):
                setattr(aggregate, field, getattr(self, field))

    @classmethod
    def define(
        cls,
        department_id: UUID,
        name: str,
        sla_plan_id: UUID | None,
        auto_assign: AssignMode,
        auto_close_days: int,
        reopen_days: int,
        origin: Origin,
        mail_address: str | None = None,
    ) -> Department:
        require_name(name)
        for field, days in (("auto_close_days", auto_close_days), ("reopen_days", reopen_days)):
            if not 1 <= days <= 365:
                raise InvalidInput(field, f"{field} must be from 1 to 365")
        department: Department = cls._create(
            cls.Defined,
            id=department_id,
            name=name,
            sla_plan_id=sla_plan_id,
            auto_assign=auto_assign,
            auto_close_days=auto_close_days,
            reopen_days=reopen_days,
            mail_address=mail_address,
            **who(origin),
        )
        return department


class DefaultDepartment(Aggregate):
    """Claimed by the first department created: tickets without a topic or department go
    there. Its fixed id makes a second claim fail in the store."""

    department_id: UUID
    ID = uuid5(_NAMESPACE, "default-department")

    def __init__(self) -> None:
        """State is set by `Claimed.apply`."""

    class Claimed(Recorded, Aggregate.Created):
        department_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.department_id = self.department_id

    @classmethod
    def claim(cls, department_id: UUID, origin: Origin) -> DefaultDepartment:
        claimed: DefaultDepartment = cls._create(
            cls.Claimed, id=cls.ID, department_id=department_id, **who(origin)
        )
        return claimed


class HelpTopic(ShallowCopied, Aggregate):
    """What a customer picks when opening a ticket; it routes the ticket."""

    name: str
    department_id: UUID
    priority: Priority
    sla_plan_id: UUID | None

    def __init__(self) -> None:
        """State is set by `Defined.apply`."""

    class Defined(Recorded, Aggregate.Created):
        name: str
        department_id: UUID
        priority: Priority
        sla_plan_id: UUID | None

        def apply(self, aggregate: Any) -> None:
            for field in ("name", "department_id", "priority", "sla_plan_id"):
                setattr(aggregate, field, getattr(self, field))

    @classmethod
    def define(
        cls,
        topic_id: UUID,
        name: str,
        department_id: UUID,
        priority: Priority,
        sla_plan_id: UUID | None,
        origin: Origin,
    ) -> HelpTopic:
        require_name(name)
        topic: HelpTopic = cls._create(
            cls.Defined,
            id=topic_id,
            name=name,
            department_id=department_id,
            priority=priority,
            sla_plan_id=sla_plan_id,
            **who(origin),
        )
        return topic
