"""What-if over a period: its tickets replayed under a hypothetical plan, beside what
actually happened, per opening day and in total.

Read-only by construction: the replay runs the Ticket's commands on copies that are
never saved (`domain.what_if`), so nothing is recorded however often it is asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from domain.sla import SLATerms, Target
from domain.timefmt import rfc3339
from domain.what_if import Outcome, Verdict, recorded, replayed
from projections.reports.queries import opened_between, percentile
from projections.view_store import ViewStore

from .event_log import EventLog


@dataclass
class Tally:
    """Targets met, breached and still open, and the minutes it took to settle them."""

    met: int = 0
    breached: int = 0
    open: int = 0
    minutes: list[float] = field(default_factory=list)

    def add(self, verdict: Verdict, minutes: float | None) -> None:
        setattr(self, verdict.value, getattr(self, verdict.value) + 1)
        if minutes is not None:
            self.minutes.append(minutes)

    @property
    def p50(self) -> float | None:
        return percentile(self.minutes, 0.5)

    @property
    def p90(self) -> float | None:
        return percentile(self.minutes, 0.9)


@dataclass
class Side:
    """One way the period went: actual or hypothetical, per target."""

    targets: dict[Target, Tally] = field(
        default_factory=lambda: {target: Tally() for target in Target}
    )

    def add(self, outcome: Outcome) -> None:
        for target, result in outcome.items():
            self.targets[target].add(result.verdict, result.minutes)


@dataclass
class Comparison:
    tickets: int = 0
    actual: Side = field(default_factory=Side)
    hypothetical: Side = field(default_factory=Side)

    def add(self, actual: Outcome, hypothetical: Outcome) -> None:
        self.tickets += 1
        self.actual.add(actual)
        self.hypothetical.add(hypothetical)


@dataclass
class WhatIf:
    total: Comparison = field(default_factory=Comparison)
    days: dict[str, Comparison] = field(default_factory=lambda: defaultdict(Comparison))


def what_if_sla(
    log: EventLog,
    views: ViewStore,
    terms: SLATerms,
    start: datetime,
    end: datetime,
    department_id: UUID | None,
    now: datetime,
) -> WhatIf:
    """The tickets opened in [start, end) (in `department_id`, if given), each followed
    up to `now`: how they went, and how they would have gone under `terms`."""
    department = None if department_id is None else str(department_id)
    ids = opened_between(views, rfc3339(start), rfc3339(end), department)
    return compare(log, (UUID(i) for i in ids), terms, now)


def compare(log: EventLog, ticket_ids: Iterable[UUID], terms: SLATerms, now: datetime) -> WhatIf:
    found = WhatIf()
    for events in log.histories(ticket_ids):
        actual, hypothetical = recorded(events), replayed(events, terms, now)
        day = events[0].timestamp.astimezone(UTC).date().isoformat()
        found.total.add(actual, hypothetical)
        found.days[day].add(actual, hypothetical)
    return found
