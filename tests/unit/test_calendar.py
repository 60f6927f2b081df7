"""Business calendars: what `BusinessCalendar.define` accepts, and which field it blames."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import BusinessCalendar, Frame
from domain.errors import InvalidInput

WEEKDAYS_9_TO_5 = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}


def refusal(
    timezone: str = "Europe/Berlin",
    hours: dict[str, list[tuple[str, str]]] | None = None,
    holidays: list[str] | None = None,
) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        BusinessCalendar.define(
            timezone, WEEKDAYS_9_TO_5 if hours is None else hours, holidays or []
        )
    return caught.value


def test_office_hours_become_minutes_after_midnight_for_each_weekday():
    calendar = BusinessCalendar.define("Europe/Berlin", WEEKDAYS_9_TO_5, ["2026-12-25"])
    assert calendar.hours[0] == (Frame(540, 1020),)
    assert calendar.hours[5] == calendar.hours[6] == ()
    assert calendar.holidays == frozenset({date(2026, 12, 25)})
    assert calendar.zone.key == "Europe/Berlin"


def test_frames_are_kept_sorted_and_may_touch():
    calendar = BusinessCalendar.define(
        "UTC", {"mon": [("13:00", "17:00"), ("09:00", "13:00"), ("00:00", "09:00")]}, []
    )
    assert calendar.hours[0] == (Frame(0, 540), Frame(540, 780), Frame(780, 1020))


def test_a_frame_may_run_to_midnight_as_24_00():
    calendar = BusinessCalendar.define("UTC", {"sun": [("22:00", "24:00")]}, [])
    assert calendar.hours[6] == (Frame(1320, 1440),)


@pytest.mark.parametrize(
    "timezone",
    ["Mars/Olympus_Mons", "europe/berlin", "", "Europe/Berlin ", "../etc/passwd", "zone.tab"],
)
def test_an_unknown_time_zone_is_refused(timezone: str):
    assert refusal(timezone=timezone).field == "timezone"


@pytest.mark.parametrize("timezone", ["localtime", "Factory", "right/Europe/Berlin"])
def test_a_zone_that_is_not_a_place_is_refused_though_zoneinfo_loads_it(timezone: str):
    assert refusal(timezone=timezone).field == "timezone"


@pytest.mark.parametrize("text", ["25:00", "09:60", "9am", "9:00", "24:30", "", "09:00:00"])
def test_a_malformed_or_impossible_time_is_refused(text: str):
    error = refusal(hours={"mon": [("08:00", "09:00"), (text, "18:00")]})
    assert error.field == "hours.mon[1]"


def test_24_00_may_not_open_a_frame():
    assert refusal(hours={"tue": [("24:00", "24:00")]}).field == "hours.tue[0]"


@pytest.mark.parametrize("frame", [("17:00", "09:00"), ("09:00", "09:00")])
def test_a_frame_must_start_before_it_ends(frame: tuple[str, str]):
    assert refusal(hours={"wed": [frame]}).field == "hours.wed[0]"


def test_a_frame_is_a_pair_of_times():
    assert refusal(hours={"thu": [("09:00",)]}).field == "hours.thu[0]"


def test_overlapping_frames_blame_the_later_starting_one():
    error = refusal(hours={"fri": [("09:00", "12:00"), ("11:00", "13:00")]})
    assert error.field == "hours.fri[1]"


def test_overlapping_frames_are_found_whatever_order_they_come_in():
    error = refusal(hours={"fri": [("11:00", "13:00"), ("14:00", "15:00"), ("09:00", "12:00")]})
    assert error.field == "hours.fri[0]"


def test_an_unknown_weekday_key_is_refused():
    assert refusal(hours={"monday": [("09:00", "17:00")]}).field == "hours.monday"


@pytest.mark.parametrize("hours", [{}, {"mon": [], "sat": []}])
def test_a_week_without_business_hours_is_refused(hours: dict[str, list[tuple[str, str]]]):
    assert refusal(hours=hours).field == "hours"


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "20260101", "2026-W01-1", "01/01/2026", "2026-1-1"]
)
def test_a_malformed_holiday_is_refused(text: str):
    assert refusal(holidays=["2026-12-25", text]).field == "holidays[1]"


def test_a_holiday_listed_twice_is_refused():
    error = refusal(holidays=["2026-12-25", "2026-12-26", "2026-12-25"])
    assert error.field == "holidays[2]"


def test_a_frame_cannot_be_built_backwards_or_beyond_midnight():
    with pytest.raises(ValueError, match="start < end"):
        Frame(600, 540)
    with pytest.raises(ValueError, match="start < end"):
        Frame(0, 1441)


def test_a_calendar_built_directly_still_keeps_its_invariants():
    with pytest.raises(ValueError, match="seven"):
        BusinessCalendar("UTC", ((Frame(0, 60),),), frozenset())
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar("UTC", ((Frame(0, 60), Frame(30, 90)), *[()] * 6), frozenset())
    with pytest.raises(ValueError, match="some business hours"):
        BusinessCalendar("UTC", ((),) * 7, frozenset())
