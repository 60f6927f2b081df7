"""Business-time arithmetic: worked examples, daylight-saving changes, and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.business_time import (
    add_business_minutes,
    business_minutes_between,
    business_time_between,
)
from domain.calendar import WEEKDAYS, BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WORKDAYS = WEEKDAYS[:5]
MICROSECOND = timedelta(microseconds=1)


def calendar(
    zone: str, frames: list[tuple[str, str]], days: tuple[str, ...] = WORKDAYS, holidays=()
) -> BusinessCalendar:
    return BusinessCalendar.define(zone, {day: frames for day in days}, list(holidays))


OFFICE = calendar("Europe/Berlin", [("09:00", "17:00")])
OFFICE_MONDAY_OFF = calendar("Europe/Berlin", [("09:00", "17:00")], holidays=["2026-03-09"])
LUNCH_BREAK = calendar("Europe/Berlin", [("09:00", "12:00"), ("13:00", "17:00")])
NY_OFFICE = calendar("America/New_York", [("09:00", "17:00")])
BERLIN_NIGHTS = calendar("Europe/Berlin", [("00:00", "06:00")], days=WEEKDAYS)
NY_NIGHTS = calendar("America/New_York", [("00:00", "06:00")], days=WEEKDAYS)
BERLIN_ALL_DAY = calendar("Europe/Berlin", [("00:00", "24:00")], days=WEEKDAYS)
berlin = partial(datetime, tzinfo=BERLIN)
new_york = partial(datetime, tzinfo=NEW_YORK)
HOUR = 60  # minutes


# Worked examples, office hours Mon-Fri 09:00-17:00 in Berlin; 2026-03-06 is a Friday.


def test_eight_business_hours_from_friday_afternoon_fall_due_on_monday_afternoon():
    assert add_business_minutes(OFFICE, berlin(2026, 3, 6, 16), 8 * HOUR) == berlin(2026, 3, 9, 16)


def test_a_monday_holiday_moves_the_due_time_to_tuesday():
    due = add_business_minutes(OFFICE_MONDAY_OFF, berlin(2026, 3, 6, 16), 8 * HOUR)
    assert due == berlin(2026, 3, 10, 16)


def test_the_lunch_break_does_not_count():
    monday = berlin(2026, 3, 9)
    due = add_business_minutes(LUNCH_BREAK, monday.replace(hour=11), 2 * HOUR)
    assert due == monday.replace(hour=14)
    assert business_minutes_between(LUNCH_BREAK, monday, monday.replace(hour=23)) == 7 * HOUR


def test_time_that_runs_out_at_closing_is_due_at_closing_not_at_the_next_opening():
    due = add_business_minutes(LUNCH_BREAK, berlin(2026, 3, 6, 16), 8 * HOUR)
    assert due == berlin(2026, 3, 9, 17)
    assert add_business_minutes(OFFICE, berlin(2026, 3, 6, 16), 60) == berlin(2026, 3, 6, 17)


@pytest.mark.parametrize(
    ("opened", "opening"),
    [
        (berlin(2026, 3, 7, 10), berlin(2026, 3, 9, 9)),
        (berlin(2026, 3, 9, 8), berlin(2026, 3, 9, 9)),
        (berlin(2026, 3, 6, 17), berlin(2026, 3, 9, 9)),
    ],
    ids=["on saturday", "before opening", "exactly at closing"],
)
def test_a_ticket_opened_while_closed_starts_the_clock_at_the_next_opening(opened, opening):
    assert add_business_minutes(OFFICE, opened, 0) == opening
    assert add_business_minutes(OFFICE, opened, 30) == opening + timedelta(minutes=30)


def test_adding_nothing_during_business_hours_returns_the_start_in_utc():
    due = add_business_minutes(OFFICE, berlin(2026, 3, 9, 10, 15, 30, 7), 0)
    assert due == berlin(2026, 3, 9, 10, 15, 30, 7)
    assert due.tzinfo is UTC


def test_a_start_in_another_zone_is_the_same_instant():
    start = new_york(2026, 3, 6, 10)  # 16:00 in Berlin
    assert add_business_minutes(OFFICE, start, 8 * HOUR) == berlin(2026, 3, 9, 16)


def test_business_minutes_between_counts_only_open_time():
    assert business_minutes_between(OFFICE, berlin(2026, 3, 6, 16), berlin(2026, 3, 9, 10)) == 120
    assert business_minutes_between(OFFICE, berlin(2026, 3, 9, 10), berlin(2026, 3, 6, 16)) == 0


def test_without_a_calendar_the_desk_never_closes():
    start = berlin(2026, 3, 28, 23)
    assert add_business_minutes(None, start, 5 * HOUR) == datetime(2026, 3, 29, 3, tzinfo=UTC)
    assert business_minutes_between(None, start, berlin(2026, 3, 29, 23)) == 23 * HOUR


def test_a_naive_start_or_a_negative_or_infinite_duration_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(OFFICE, datetime(2026, 3, 9, 10), 5)
    with pytest.raises(ValueError, match="finite"):
        add_business_minutes(OFFICE, berlin(2026, 3, 9, 10), -1)
    with pytest.raises(ValueError, match="finite"):
        add_business_minutes(OFFICE, berlin(2026, 3, 9, 10), float("nan"))


# Daylight-saving changes: office hours keep their wall times, night frames stretch or shrink.


@pytest.mark.parametrize(
    ("friday", "monday", "real_hours"),
    [
        (berlin(2026, 3, 27, 16), berlin(2026, 3, 30, 16), 71),  # spring forward on Sunday 03-29
        (berlin(2026, 10, 23, 16), berlin(2026, 10, 26, 16), 73),  # fall back on Sunday 10-25
        (new_york(2026, 3, 6, 16), new_york(2026, 3, 9, 16), 71),  # spring forward on 03-08
        (new_york(2026, 10, 30, 16), new_york(2026, 11, 2, 16), 73),  # fall back on 11-01
    ],
)
def test_a_due_time_keeps_its_wall_time_across_a_change_weekend(
    friday: datetime, monday: datetime, real_hours: int
):
    office = OFFICE if friday.tzinfo is BERLIN else NY_OFFICE
    due = add_business_minutes(office, friday, 8 * HOUR)
    assert due == monday
    assert business_minutes_between(office, friday, monday) == 8 * HOUR
    assert due - friday.astimezone(UTC) == timedelta(hours=real_hours)  # but not in real time


@pytest.mark.parametrize(
    ("nights", "day", "real_hours"),
    [
        (BERLIN_NIGHTS, berlin(2026, 3, 29), 5),
        (BERLIN_NIGHTS, berlin(2026, 10, 25), 7),
        (NY_NIGHTS, new_york(2026, 3, 8), 5),
        (NY_NIGHTS, new_york(2026, 11, 1), 7),
        (BERLIN_NIGHTS, berlin(2026, 3, 30), 6),
    ],
)
def test_a_night_frame_that_contains_the_jump_holds_five_or_seven_real_hours(
    nights: BusinessCalendar, day: datetime, real_hours: int
):
    assert business_minutes_between(nights, day, day + timedelta(days=1)) == real_hours * HOUR
    closing = day.replace(hour=6).astimezone(UTC)
    assert add_business_minutes(nights, day, real_hours * HOUR) == closing


def test_the_next_night_picks_up_what_the_short_night_could_not_hold():
    due = add_business_minutes(BERLIN_NIGHTS, berlin(2026, 3, 29), 6 * HOUR)
    assert due == berlin(2026, 3, 30, 1)


def test_a_frame_inside_the_spring_forward_gap_contributes_nothing():
    gap = calendar("Europe/Berlin", [("02:00", "03:00")], days=("sun",))
    assert business_minutes_between(gap, berlin(2026, 3, 28), berlin(2026, 3, 30)) == 0
    assert add_business_minutes(gap, berlin(2026, 3, 28), 0) == berlin(2026, 4, 5, 2)


def test_a_frame_opening_inside_the_gap_opens_at_the_jump():
    late = calendar("Europe/Berlin", [("02:30", "04:00")], days=("sun",))
    assert business_minutes_between(late, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 60
    jump = datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert add_business_minutes(late, berlin(2026, 3, 28), 0) == jump


def test_a_frame_edge_inside_the_repeated_hour_means_its_first_pass():
    early = calendar("Europe/Berlin", [("00:00", "02:30")], days=("sun",))
    late = calendar("Europe/Berlin", [("02:30", "06:00")], days=("sun",))
    day, next_day = berlin(2026, 10, 25), berlin(2026, 10, 26)
    assert business_minutes_between(early, day, next_day) == 2.5 * HOUR
    assert business_minutes_between(late, day, next_day) == 4.5 * HOUR


# Properties, over calendars drawn from a few fixed ones and starts across 2026-2027.

BERLIN_LUNCH = calendar(
    "Europe/Berlin",
    [("09:00", "12:00"), ("13:00", "17:00")],
    holidays=["2026-04-03", "2026-10-26", "2027-03-29", "2027-11-01"],
)
NIGHT_SHIFT = calendar("Europe/Berlin", [("00:00", "06:00"), ("22:00", "24:00")], days=WEEKDAYS)
# Frame edges inside New York's skipped hour (02:00-03:00 in March) and repeated hour
# (01:00-02:00 in November): the wall-clock check below does not apply to this one.
NY_EDGES = calendar("America/New_York", [("01:30", "02:45"), ("03:00", "04:00")], days=WEEKDAYS)
CALENDARS = st.sampled_from([BERLIN_LUNCH, NY_OFFICE, NIGHT_SHIFT, NY_NIGHTS, NY_EDGES, None])
ZONES = [UTC, BERLIN, NEW_YORK, ZoneInfo("Asia/Kolkata")]
CHANGES = [  # the instants of the 2026-2027 changes in New York and Berlin
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2027, 3, 14, 7, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
    datetime(2027, 11, 7, 6, tzinfo=UTC),
]
NEAR_A_CHANGE = st.builds(
    lambda change, seconds, micros: change + timedelta(seconds=seconds, microseconds=micros),
    st.sampled_from(CHANGES),
    st.one_of(st.integers(-10 * 86_400, 10 * 86_400), st.integers(-6 * 3600, 6 * 3600)),
    st.sampled_from([0, 0, 1, 999_999]),
)
ANY_TIME = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
INSTANTS = st.one_of(NEAR_A_CHANGE, ANY_TIME)
STARTS = st.one_of(
    st.builds(lambda at, zone: at.astimezone(zone), INSTANTS, st.sampled_from(ZONES)),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.sampled_from(ZONES)),
)
MINUTES = st.one_of(st.integers(0, 20_000), st.floats(0, 20_000))
PROPERTY = settings(deadline=None, max_examples=150)


def open_by_the_wall_clock(calendar: BusinessCalendar, instant: datetime) -> bool:
    """Independent of the code under test: read the local wall clock and look the frame up."""
    local = instant.astimezone(calendar.zone)
    if local.date() in calendar.holidays:
        return False
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    return any(f.start <= minute < f.end for f in calendar.hours[local.weekday()])


@PROPERTY
@given(CALENDARS, STARTS, MINUTES)
def test_the_business_time_until_the_due_time_is_what_was_added(
    calendar: BusinessCalendar | None, start: datetime, minutes: float
):
    due = add_business_minutes(calendar, start, minutes)
    assert business_time_between(calendar, start, due) == timedelta(minutes=minutes)
    assert abs(business_minutes_between(calendar, start, due) - minutes) <= 1 / 60_000_000
    assert due.tzinfo is UTC


@PROPERTY
@given(CALENDARS, STARTS, MINUTES, MINUTES)
def test_adding_more_never_falls_due_earlier(
    calendar: BusinessCalendar | None, start: datetime, first: float, second: float
):
    fewer, more = sorted([first, second])
    assert add_business_minutes(calendar, start, fewer) <= add_business_minutes(
        calendar, start, more
    )


@PROPERTY
@given(st.sampled_from([BERLIN_LUNCH, NY_OFFICE, NIGHT_SHIFT, NY_NIGHTS]), STARTS, MINUTES)
def test_a_due_time_lies_inside_a_frame_or_at_its_close(
    calendar: BusinessCalendar, start: datetime, minutes: float
):
    due = add_business_minutes(calendar, start, minutes)
    if timedelta(minutes=minutes) == timedelta(0):
        # Nothing to add: the clock's starting point, which is open time itself.
        assert open_by_the_wall_clock(calendar, due)
        assert business_time_between(calendar, start, due) == timedelta(0)
    else:
        assert open_by_the_wall_clock(calendar, due - MICROSECOND)


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS, INSTANTS)
def test_business_time_adds_up_over_consecutive_spans_and_never_exceeds_real_time(
    calendar: BusinessCalendar | None, first: datetime, second: datetime, third: datetime
):
    a, b, c = sorted([first, second, third])
    whole = business_time_between(calendar, a, c)
    assert business_time_between(calendar, a, b) + business_time_between(calendar, b, c) == whole
    # Frames that overlapped in real time (a wall time in a gap mapped past the jump, say)
    # would count some minutes twice.
    assert timedelta(0) <= whole <= c - a


@PROPERTY
@given(INSTANTS, MINUTES)
def test_a_calendar_open_around_the_clock_in_berlin_agrees_with_no_calendar(
    start: datetime, minutes: float
):
    due = add_business_minutes(BERLIN_ALL_DAY, start, minutes)
    assert due == add_business_minutes(None, start, minutes)
    assert business_minutes_between(BERLIN_ALL_DAY, start, due) == business_minutes_between(
        None, start, due
    )


@pytest.mark.parametrize("change", CHANGES, ids=lambda at: at.date().isoformat())
def test_around_every_change_each_quarter_hour_holds_at_most_fifteen_minutes(change: datetime):
    quarter = timedelta(minutes=15)
    steps = [change - timedelta(hours=12) + i * quarter for i in range(97)]
    for each in [BERLIN_LUNCH, NY_OFFICE, NIGHT_SHIFT, NY_NIGHTS, NY_EDGES]:
        parts = [business_time_between(each, a, a + quarter) for a in steps[:-1]]
        assert all(timedelta(0) <= part <= quarter for part in parts)
        assert sum(parts, timedelta(0)) == business_time_between(each, steps[0], steps[-1])
        for a, part in zip(steps, parts, strict=False):
            if part:  # an empty quarter would send the clock on to the next opening
                assert add_business_minutes(each, a, part / timedelta(minutes=1)) <= a + quarter
