"""`POST /v1/what-if/sla`: a period's tickets replayed under a hypothetical SLA plan,
beside what happened (supervisors and analysts). It records nothing: a POST only
because the plan is a document, not a query string."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec
from litestar import post
from litestar.params import JSONBody

from domain.calendar import BusinessCalendar
from domain.errors import InvalidInput
from domain.sla import Target
from domain.timefmt import rfc3339
from domain.values import Role
from readside.what_if import Comparison, Side, Tally, WhatIf
from wiring.services import Services

from .auth import allow
from .deps import ServicesDep
from .openapi import problems
from .org_schemas import HypotheticalPlan
from .sla_plans import terms
from .times import instant

PERIOD_MAX = timedelta(days=92)
"""A quarter at most: each ticket of the period is replayed, so the cost follows the
period's traffic."""


class AskWhatIf(msgspec.Struct, forbid_unknown_fields=True):
    plan: HypotheticalPlan
    from_: str = msgspec.field(name="from")
    to: str
    department_id: UUID | None = None


class TallyView(msgspec.Struct):
    met: int
    breached: int
    open: int
    p50_minutes: float | None
    p90_minutes: float | None
    """Business minutes from opening to the act that settled the target."""


class ComparisonView(msgspec.Struct):
    tickets: int
    actual: dict[Target, TallyView]
    hypothetical: dict[Target, TallyView]


class DayView(ComparisonView, kw_only=True):
    day: str


class WhatIfView(msgspec.Struct):
    from_: str = msgspec.field(name="from")
    to: str
    department_id: UUID | None
    total: ComparisonView
    days: list[DayView]


@post(
    "/v1/what-if/sla",
    operation_id="whatIfSLA",
    responses=problems(413),
    guards=[allow(Role.SUPERVISOR, Role.ANALYST)],
    status_code=200,
    sync_to_thread=True,
    tags=["reports"],
)
def what_if_sla(services: ServicesDep, data: JSONBody[AskWhatIf]) -> WhatIfView:
    """The tickets opened in [from, to) replayed under the plan with the domain's own SLA
    code, next to how they went: per opening day (UTC) and in total, targets met,
    breached and open, and p50/p90 business minutes to settle each."""
    return answer(services, data)


def answer(services: Services, data: AskWhatIf) -> WhatIfView:
    """The question answered (the command line asks it too)."""
    start, end = instant("from", data.from_), instant("to", data.to)
    if end <= start:
        raise InvalidInput("to", "to must be after from")
    if end - start > PERIOD_MAX:
        raise InvalidInput("to", f"the period is at most {PERIOD_MAX.days} days")
    plan = services.helpdesk.hypothetical_terms(terms(data.plan), _calendar(data.plan))
    found = services.what_if(plan, start, end, data.department_id)
    return _view(found, rfc3339(start), rfc3339(end), data.department_id)


def _calendar(plan: HypotheticalPlan) -> BusinessCalendar | None:
    given = plan.calendar
    if given is None:
        return None
    if plan.calendar_id is not None:
        raise InvalidInput("plan.calendar", "give calendar_id or calendar, not both")
    return BusinessCalendar.define(given.timezone, given.hours, given.holidays)


def _view(found: WhatIf, start: str, end: str, department_id: UUID | None) -> WhatIfView:
    total = found.total
    return WhatIfView(
        from_=start,
        to=end,
        department_id=department_id,
        total=ComparisonView(total.tickets, _side(total.actual), _side(total.hypothetical)),
        days=[_day(day, found.days[day]) for day in sorted(found.days)],
    )


def _day(day: str, comparison: Comparison) -> DayView:
    return DayView(
        tickets=comparison.tickets,
        actual=_side(comparison.actual),
        hypothetical=_side(comparison.hypothetical),
        day=day,
    )


def _side(side: Side) -> dict[Target, TallyView]:
    return {target: _tally(tally) for target, tally in side.targets.items()}


def _tally(tally: Tally) -> TallyView:
    return TallyView(tally.met, tally.breached, tally.open, tally.p50, tally.p90)
