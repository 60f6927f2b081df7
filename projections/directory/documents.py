"""The organisation's items as the API shows them. The projection builds them from the
events, and the API may build the same documents from an aggregate it has just saved:
each builder takes the item's id, creation time and state (an event or an aggregate,
whose fields have the same names), so that there is one spelling of each view."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.organisation import AssignMode, PlanTerms
from domain.timefmt import rfc3339
from domain.values import Priority

Document = dict[str, Any]


class CalendarState(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def calendar(self) -> BusinessCalendar: ...


class DepartmentState(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def sla_plan_id(self) -> UUID | None: ...
    @property
    def auto_assign(self) -> AssignMode: ...
    @property
    def auto_close_days(self) -> int: ...
    @property
    def reopen_days(self) -> int: ...
    @property
    def mail_address(self) -> str | None: ...


class TopicState(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def department_id(self) -> UUID: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def sla_plan_id(self) -> UUID | None: ...


def dump(document: Any) -> str:
    """One spelling per document (sorted keys, ASCII), so that a row rebuilt from the
    log is equal, byte for byte, to the row the live runner wrote."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def calendar(item_id: UUID, created: datetime, state: CalendarState) -> Document:
    hours = state.calendar
    return {
        "id": str(item_id),
        "name": state.name,
        "timezone": hours.timezone,
        "hours": {
            day: [[_hhmm(f.start), _hhmm(f.end)] for f in frames]
            for day, frames in zip(WEEKDAYS, hours.hours, strict=True)
            if frames
        },
        "holidays": sorted(d.isoformat() for d in hours.holidays),
        "created_at": rfc3339(created),
    }


def plan_version(number: int, terms: PlanTerms) -> Document:
    return {
        "version": number,
        "first_response_minutes": terms.first_response_minutes,
        "resolution_minutes": terms.resolution_minutes,
        "next_response_minutes": terms.next_response_minutes,
        "calendar_id": _text(terms.calendar_id),
        "warn_at_percent": terms.warn_at_percent,
        "pause_statuses": [s.value for s in terms.pause_statuses],
    }


def plan(item_id: UUID, created: datetime, name: str, versions: Sequence[PlanTerms]) -> Document:
    """Every version, and the newest one's terms at the top: they are the current ones."""
    shown = [plan_version(n, terms) for n, terms in enumerate(versions, 1)]
    return {
        "id": str(item_id),
        "name": name,
        "versions": shown,
        "created_at": rfc3339(created),
        **shown[-1],
    }


def revised_plan(shown: Document, name: str, terms: PlanTerms) -> Document:
    """A shown plan with a revision as its newest version."""
    newest = plan_version(len(shown["versions"]) + 1, terms)
    return {**shown, **newest, "name": name, "versions": [*shown["versions"], newest]}


def department(item_id: UUID, created: datetime, state: DepartmentState, default: bool) -> Document:
    """A department's address is shown only when it has one (documents from before the
    email channel have none, and read the same)."""
    address = {} if state.mail_address is None else {"mail_address": state.mail_address}
    return {
        "id": str(item_id),
        "name": state.name,
        "sla_plan_id": _text(state.sla_plan_id),
        "auto_assign": state.auto_assign.value,
        "auto_close_days": state.auto_close_days,
        "reopen_days": state.reopen_days,
        "default": default,
        "created_at": rfc3339(created),
        **address,
    }


def help_topic(item_id: UUID, created: datetime, state: TopicState) -> Document:
    return {
        "id": str(item_id),
        "name": state.name,
        "department_id": str(state.department_id),
        "priority": state.priority.value,
        "sla_plan_id": _text(state.sla_plan_id),
        "created_at": rfc3339(created),
    }
