"""Business calendars: weekly opening hours in one time zone, less whole-day holidays.

A calendar says *when* the desk is open; `business_time` turns that into arithmetic on
instants. Round-the-clock service is not a calendar here but `None` (see `business_time`),
so that 24x7 stays plain, exact addition with no time-zone lookups at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from .errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The API's day keys, in `date.weekday()` order (Monday is 0)."""

MINUTES_PER_DAY = 1440

_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Keys that ZoneInfo loads but whose meaning is not a place's civil time: `localtime` is
# whatever the host is set to, `posixrules`/`Factory` are tzdata plumbing, and the `right/`
# tree counts leap seconds, which shifts every transition by some 27 seconds.
_NOT_A_PLACE = frozenset({"localtime", "posixrules", "Factory"})
_NOT_A_PLACE_PREFIXES = ("right/", "posix/")


@dataclass(frozen=True)
class Frame:
    """An opening span within one local day, in minutes after local midnight.

    `end` may be 1440 (24:00) so that a frame can run to the end of the day.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"a frame needs 0 <= start < end <= 1440, got {self}")


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening frames per weekday (Monday first), local to `timezone`, and holidays.

    Build one from API input with `define`, which names the offending field; the
    constructor re-checks only the shape (seven days, sorted frames, some hours), so that
    code building a calendar directly cannot make one the arithmetic would loop on.
    """

    timezone: str
    hours: tuple[tuple[Frame, ...], ...]
    holidays: frozenset[date]

    def __post_init__(self) -> None:
        if len(self.hours) != len(WEEKDAYS):
            raise ValueError("a calendar needs frames for exactly seven weekdays")
        if any(
            _first_overlap(day) is not None or list(day) != sorted(day, key=_start)
            for day in self.hours
        ):
            raise ValueError("frames within a day must be sorted and must not overlap")
        if not any(self.hours):
            raise ValueError("a calendar needs some business hours in the week")

    @property
    def zone(self) -> ZoneInfo:
        # ZoneInfo caches by key, so repeated lookups are cheap.
        return ZoneInfo(self.timezone)

    @classmethod
    def define(
        cls,
        timezone: str,
        hours: Mapping[str, Sequence[Sequence[str]]],
        holidays: Sequence[str],
    ) -> BusinessCalendar:
        """Validate the API's shape and build the calendar, or raise `InvalidInput`."""
        _check_zone(timezone)
        unknown = sorted(set(hours) - set(WEEKDAYS))
        if unknown:
            raise InvalidInput(f"hours.{unknown[0]}", f"unknown weekday {unknown[0]!r}")
        week = tuple(_day(name, hours.get(name, ())) for name in WEEKDAYS)
        if not any(week):
            raise InvalidInput("hours", "the calendar has no business hours in the week")
        return cls(timezone, week, _holidays(holidays))


def _start(frame: Frame) -> int:
    return frame.start


def _first_overlap(frames: Sequence[Frame]) -> int | None:
    """Position (in start order) of the first frame that begins before its predecessor ends."""
    ordered = sorted(frames, key=_start)
    for i in range(1, len(ordered)):
        if ordered[i].start < ordered[i - 1].end:
            return i
    return None


def _check_zone(timezone: str) -> None:
    if timezone in _NOT_A_PLACE or timezone.startswith(_NOT_A_PLACE_PREFIXES):
        raise InvalidInput("timezone", f"{timezone!r} is not a place's time zone")
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError, TypeError, OSError) as e:
        # ZoneInfoNotFoundError is a KeyError; malformed keys and non-TZif files are ValueErrors.
        raise InvalidInput("timezone", f"unknown IANA time zone {timezone!r}") from e


def _day(name: str, spans: Sequence[Sequence[str]]) -> tuple[Frame, ...]:
    frames = [_frame(f"hours.{name}[{i}]", span) for i, span in enumerate(spans)]
    order = sorted(range(len(frames)), key=lambda i: frames[i].start)
    clash = _first_overlap(frames)
    if clash is not None:
        field = f"hours.{name}[{order[clash]}]"
        raise InvalidInput(field, f"the frame overlaps hours.{name}[{order[clash - 1]}]")
    return tuple(frames[i] for i in order)


def _frame(field: str, span: Sequence[str]) -> Frame:
    if isinstance(span, str) or len(span) != 2:
        raise InvalidInput(field, "a frame is a pair of times such as ['09:00', '17:00']")
    start, end = _minutes(field, span[0]), _minutes(field, span[1])
    if start == MINUTES_PER_DAY:
        raise InvalidInput(field, "24:00 may only end a frame")
    if start >= end:
        raise InvalidInput(field, f"the frame must start before it ends, got {span[0]}-{span[1]}")
    return Frame(start, end)


def _minutes(field: str, text: object) -> int:
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInput(field, f"times are written HH:MM, got {text!r}")
    hour, minute = int(match[1]), int(match[2])
    if not (hour < 24 and minute < 60) and (hour, minute) != (24, 0):
        raise InvalidInput(field, f"{text} is not a time of day")
    return hour * 60 + minute


def _holidays(texts: Sequence[str]) -> frozenset[date]:
    seen: set[date] = set()
    for i, text in enumerate(texts):
        field = f"holidays[{i}]"
        # date.fromisoformat alone would also take '20260101' and week dates like '2026-W01-1'.
        if not (isinstance(text, str) and _DATE.fullmatch(text)):
            raise InvalidInput(field, f"holidays are written YYYY-MM-DD, got {text!r}")
        try:
            day = date.fromisoformat(text)
        except ValueError as e:
            raise InvalidInput(field, f"{text} is not a date") from e
        if day in seen:
            raise InvalidInput(field, f"{text} is listed twice")
        seen.add(day)
    return frozenset(seen)
