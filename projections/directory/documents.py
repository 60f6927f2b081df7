"""The organisation's items as the API shows them, built from their events alone, so
that a listing reads stored documents instead of loading every aggregate."""

from __future__ import annotations

import json
from typing import Any

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.organisation import Department, HelpTopic, PlanTerms, SLAPlan, WorkCalendar
from domain.timefmt import rfc3339

Document = dict[str, Any]


def dump(document: Any) -> str:
    """One spelling per document (sorted keys, ASCII), so that a row rebuilt from the
    log is equal, byte for byte, to the row the live runner wrote."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours(calendar: BusinessCalendar) -> dict[str, list[list[str]]]:
    return {
        day: [[_hhmm(f.start), _hhmm(f.end)] for f in frames]
        for day, frames in zip(WEEKDAYS, calendar.hours, strict=True)
        if frames
    }


def calendar(event: WorkCalendar.Defined) -> Document:
    return {
        "id": str(event.originator_id),
        "name": event.name,
        "timezone": event.calendar.timezone,
        "hours": hours(event.calendar),
        "holidays": sorted(d.isoformat() for d in event.calendar.holidays),
        "created_at": rfc3339(event.timestamp),
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


def plan(event: SLAPlan.Defined) -> Document:
    first = plan_version(1, event.terms)
    return {
        "id": str(event.originator_id),
        "name": event.name,
        "versions": [first],
        "created_at": rfc3339(event.timestamp),
        **first,
    }


def revised_plan(shown: Document, event: SLAPlan.Revised) -> Document:
    """The plan with the revision as its newest version, whose terms are its current ones."""
    newest = plan_version(len(shown["versions"]) + 1, event.terms)
    return {**shown, **newest, "name": event.name, "versions": [*shown["versions"], newest]}


def department(event: Department.Defined) -> Document:
    return {
        "id": str(event.originator_id),
        "name": event.name,
        "sla_plan_id": _text(event.sla_plan_id),
        "auto_assign": event.auto_assign.value,
        "auto_close_days": event.auto_close_days,
        "reopen_days": event.reopen_days,
        "default": False,
        "created_at": rfc3339(event.timestamp),
    }


def help_topic(event: HelpTopic.Defined) -> Document:
    return {
        "id": str(event.originator_id),
        "name": event.name,
        "department_id": str(event.department_id),
        "priority": event.priority.value,
        "sla_plan_id": _text(event.sla_plan_id),
        "created_at": rfc3339(event.timestamp),
    }
