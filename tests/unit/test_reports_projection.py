"""The daily reports projection, given tickets' events, then rows: in memory, without a store.

Every expectation is counted by hand. March 2026: the 2nd is a Monday, the 6th a Friday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

from domain.calendar import WEEKDAYS, BusinessCalendar
from domain.sla import SLATerms
from domain.ticket import Ticket
from domain.values import Actor, Priority, Status
from projections.base import MemoryRows
from projections.reports.handlers import DAILY, DURATIONS, ReportsProjection
from projections.reports.queries import percentile
from tests.builders import AGENT, CUSTOMER, SALES, SUPERVISOR, SYSTEM, new_events, origin

KNOWN_COUNTS = (
    "created",
    "first_responses",
    "resolved",
    "reopened",
    "closed",
    "sla_breaches",
    "csat_sum",
    "csat_count",
)
"""The counts these tests know (the projection may keep more)."""
IT = UUID("17171717-0000-4000-8000-000000000001")
OFFICE_HOURS = BusinessCalendar.define(
    "UTC", {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}, []
)
"""Monday to Friday, 09:00 to 17:00 UTC."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def terms(
    first_response: int = 30, resolution: int = 120, calendar: BusinessCalendar | None = None
) -> SLATerms:
    return SLATerms(
        plan_id=uuid4(),
        plan_version=1,
        first_response_minutes=first_response,
        resolution_minutes=resolution,
        warn_at_percent=50,
        pause_statuses=(Status.AWAITING_CUSTOMER,),
        calendar=calendar,
    )


def opened(when: datetime, sla: SLATerms | None = None, assignee: bool = True) -> Ticket:
    """A customer's ticket in IT, assigned to the agent a minute later (unless not)."""
    ticket = Ticket.open(
        ticket_id=uuid4(),
        number="10000001",
        subject="The printer is on fire",
        body="Smoke is coming out of the paper tray.",
        message_id=uuid4(),
        priority=Priority.NORMAL,
        customer_id=CUSTOMER.id,
        department_id=IT,
        help_topic_id=None,
        origin=origin(CUSTOMER, when),
        sla=sla,
    )
    if assignee:
        ticket.assign(AGENT.id, origin(SUPERVISOR, when + timedelta(minutes=1)))
    return ticket


def reply(ticket: Ticket, when: datetime, by: Actor = AGENT) -> None:
    ticket.reply(uuid4(), "Unplug it.", origin(by, when))


def counted(**given: int) -> dict[str, int]:
    """A day's counts: the given ones, every other one zero."""
    return dict.fromkeys(KNOWN_COUNTS, 0) | given


class Report:
    """The reports projection, fed the new events of tickets in log order."""

    def __init__(self, *tickets: Ticket) -> None:
        self.rows = MemoryRows()
        self.position = 0
        self.feed(*tickets)

    def feed(self, *tickets: Ticket) -> None:
        for ticket in tickets:
            events = new_events(ticket)
            self.rows.apply(ReportsProjection, list(enumerate(events, start=self.position + 1)))
            self.position += len(events)

    def counts(self, day: str, kind: str, group: UUID | None) -> dict[str, int]:
        """The counts of one day and group; {} when nothing was counted there."""
        row = self.rows.tables.get(DAILY.name, {}).get((day, kind, str(group or "")))
        return {} if row is None else {name: row[name] for name in counted()}

    def days(self, kind: str) -> list[tuple[str, str]]:
        return sorted(
            (day, group) for day, k, group in self.rows.tables.get(DAILY.name, {}) if k == kind
        )

    def minutes(
        self, metric: str, group: UUID, day: str | None = None, clock: str = "business"
    ) -> list[float]:
        """The kept durations of one metric for a department (or agent), smallest first."""
        return sorted(
            row[f"{clock}_minutes"]
            for row in self.rows.tables.get(DURATIONS.name, {}).values()
            if row["metric"] == metric
            and row["group_id"] == str(group)
            and (day is None or row["day"] == day)
        )


def test_an_opened_ticket_counts_as_created_for_its_department_only():
    report = Report(opened(at(2, 9), assignee=False))

    assert report.counts("2026-03-02", "department", IT) == counted(created=1)
    assert report.days("agent") == []


def test_only_the_first_staff_reply_counts_as_a_first_response():
    ticket = opened(at(2, 9))
    reply(ticket, at(2, 9, 5), by=CUSTOMER)
    reply(ticket, at(2, 9, 25))
    reply(ticket, at(2, 10))

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(created=1, first_responses=1)
    assert report.counts("2026-03-02", "agent", AGENT.id) == counted(first_responses=1)
    assert report.minutes("first_response", IT) == [25.0]
    assert report.minutes("first_response", AGENT.id) == [25.0]


def test_a_first_response_after_midnight_counts_on_the_next_utc_day():
    ticket = opened(at(2, 23, 50))
    reply(ticket, at(3, 0, 10))

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(created=1)
    assert report.counts("2026-03-03", "department", IT) == counted(first_responses=1)
    assert report.minutes("first_response", IT, day="2026-03-03") == [20.0]


def test_a_time_given_in_another_zone_counts_on_its_utc_day():
    berlin_winter = timezone(timedelta(hours=1))
    late_monday = at(2, 23, 30).astimezone(berlin_winter)  # 00:30 on Tuesday in Berlin
    ticket = opened(late_monday, assignee=False)

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(created=1)
    assert report.counts("2026-03-03", "department", IT) == {}


def test_a_reopened_ticket_resolved_again_counts_two_resolutions_of_their_own_cycles():
    ticket = opened(at(2, 9))
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(2, 10)))
    ticket.reopen("It smokes again.", origin(CUSTOMER, at(2, 10, 30)))
    ticket.resolve("Replaced the tray.", origin(AGENT, at(2, 11, 45)))

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(
        created=1, resolved=2, reopened=1
    )
    assert report.counts("2026-03-02", "agent", AGENT.id) == counted(resolved=2, reopened=1)
    assert report.minutes("resolution", IT) == [60.0, 75.0]
    assert report.minutes("resolution", AGENT.id) == [60.0, 75.0]


def test_a_customer_reply_to_a_resolved_ticket_counts_as_a_reopen():
    ticket = opened(at(2, 9))
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(2, 10)))
    reply(ticket, at(3, 8), by=CUSTOMER)

    report = Report(ticket)

    assert report.counts("2026-03-03", "department", IT) == counted(reopened=1)
    assert report.counts("2026-03-03", "agent", AGENT.id) == counted(reopened=1)


def test_closings_and_reviews_count_for_the_department_and_the_assignee_on_their_day():
    kind, grumpy = opened(at(2, 9)), opened(at(2, 9, 30))
    for ticket, rating in ((kind, 5), (grumpy, 2)):
        ticket.resolve("Replaced the fuser.", origin(AGENT, at(2, 12)))
        ticket.add_review(rating, "Noted.", origin(CUSTOMER, at(3, 8)))
        ticket.close(origin(CUSTOMER, at(4, 8)))

    report = Report(kind, grumpy)

    assert report.counts("2026-03-03", "department", IT) == counted(csat_sum=7, csat_count=2)
    assert report.counts("2026-03-03", "agent", AGENT.id) == counted(csat_sum=7, csat_count=2)
    assert report.counts("2026-03-04", "department", IT) == counted(closed=2)
    assert report.counts("2026-03-04", "agent", AGENT.id) == counted(closed=2)


def test_sla_breaches_count_on_the_day_each_is_recorded():
    ticket = opened(at(2, 9), sla=terms(first_response=30, resolution=120))
    ticket.check_sla(origin(SYSTEM, at(2, 9, 31)))  # the first response is late
    reply(ticket, at(2, 9, 40))  # already breached: not again
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(3, 0, 30)))  # late, breached now

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(
        created=1, first_responses=1, sla_breaches=1
    )
    assert report.counts("2026-03-03", "department", IT) == counted(resolved=1, sla_breaches=1)
    assert report.counts("2026-03-02", "agent", AGENT.id) == counted(
        first_responses=1, sla_breaches=1
    )
    assert report.counts("2026-03-03", "agent", AGENT.id) == counted(resolved=1, sla_breaches=1)


def test_a_transferred_ticket_counts_its_later_events_for_the_new_department():
    ticket = opened(at(2, 9))
    ticket.transfer(SALES, origin(AGENT, at(2, 9, 10)))
    ticket.resolve("Sold them a new printer.", origin(AGENT, at(2, 9, 30)))

    report = Report(ticket)

    assert report.counts("2026-03-02", "department", IT) == counted(created=1)
    assert report.counts("2026-03-02", "department", SALES) == counted(resolved=1)
    assert report.minutes("resolution", SALES) == [30.0]


def test_first_responses_after_10_20_30_40_minutes_have_p50_20_and_p90_40():
    tickets = [opened(at(2, 9 + n)) for n in range(4)]
    for n, ticket in enumerate(tickets):
        reply(ticket, at(2, 9 + n, 10 * (n + 1)))

    minutes = Report(*tickets).minutes("first_response", IT)

    assert minutes == [10.0, 20.0, 30.0, 40.0]
    assert percentile(minutes, 0.5) == 20.0
    assert percentile(minutes, 0.9) == 40.0


def test_percentiles_are_nearest_rank_observations_of_any_order():
    tens = [70.0, 10.0, 100.0, 40.0, 20.0, 90.0, 30.0, 60.0, 50.0, 80.0]

    assert percentile(tens, 0.5) == 50.0
    assert percentile(tens, 0.9) == 90.0
    assert percentile([7.5], 0.5) == percentile([7.5], 0.9) == 7.5
    assert percentile([1.0, 2.0, 4.0], 0.5) == 2.0
    assert percentile([], 0.5) is None


def test_business_minutes_skip_the_weekend_and_wall_minutes_do_not():
    ticket = opened(at(6, 16), sla=terms(first_response=480, resolution=960, calendar=OFFICE_HOURS))
    reply(ticket, at(7, 10))  # Saturday
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(9, 10)))  # Monday

    report = Report(ticket)

    assert report.minutes("first_response", IT, clock="wall") == [18 * 60.0]
    assert report.minutes("first_response", IT) == [60.0]
    assert report.minutes("resolution", IT, clock="wall") == [66 * 60.0]
    assert report.minutes("resolution", IT) == [120.0]


def test_after_a_transfer_to_an_office_hours_plan_business_minutes_skip_the_weekend():
    ticket = opened(at(6, 16), sla=terms(first_response=480, resolution=9000))
    ticket.transfer(SALES, origin(AGENT, at(6, 16, 30)), terms(480, 960, OFFICE_HOURS))
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(9, 10)))

    assert Report(ticket).minutes("resolution", SALES) == [120.0]


def test_after_a_transfer_to_a_round_the_clock_plan_business_minutes_are_wall_minutes():
    ticket = opened(at(6, 16), sla=terms(first_response=480, resolution=960, calendar=OFFICE_HOURS))
    ticket.transfer(SALES, origin(AGENT, at(6, 16, 30)), terms(480, 9000))
    ticket.resolve("Replaced the fuser.", origin(AGENT, at(9, 10)))

    assert Report(ticket).minutes("resolution", SALES) == [3960.0]
