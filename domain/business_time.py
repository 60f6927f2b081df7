"""Business-time arithmetic: how much open time lies between instants, and when it runs out.

Business time is *elapsed real time* inside the calendar's frames. Each frame is a pair of
local wall-clock times on a date; both are turned into instants for that date, and the frame
is the real interval between them. So a frame that contains a daylight-saving jump is an hour
shorter or longer, and a frame lying in the spring-forward gap contributes nothing.

Turning a wall time into an instant must be monotone, or frames could overlap or run
backwards; `zoneinfo` on its own is not (a non-existent 02:30 with fold=0 lands *after*
03:15 that morning). So a wall time in a gap means the instant of the jump, and a repeated
wall time means its first occurrence (fold=0): a frame opening inside a repeated hour opens
at the first pass and stays open through the repeat.

`None` as the calendar means round-the-clock service: plain, exact addition. All arithmetic
is done on UTC instants in whole microseconds (`timedelta`), never on floats, and results
are returned in UTC.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar import BusinessCalendar

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)

Interval = tuple[datetime, datetime]


def add_business_minutes(
    calendar: BusinessCalendar | None, start: datetime, minutes: float
) -> datetime:
    """The UTC instant at which `minutes` of business time have elapsed since `start`.

    The clock starts at `start` if the desk is open then, else at the next opening. So adding
    0 minutes returns `start` when open and the next opening when closed ("when would work on
    this begin?"). A result with minutes > 0 lies inside a frame or exactly at its close: time
    that runs out at 17:00 on Friday is due at 17:00, not at Monday's opening.
    """
    remaining = _duration(minutes)
    begin = _utc(start, "start")
    if calendar is None:
        return begin + remaining
    for opens, closes in _intervals_from(calendar, begin):
        cursor = max(opens, begin)
        if remaining <= closes - cursor:
            return cursor + remaining
        remaining -= closes - cursor
    raise AssertionError("unreachable: _intervals_from yields until it raises")


def business_minutes_between(
    calendar: BusinessCalendar | None, start: datetime, end: datetime
) -> float:
    """Business minutes inside the calendar's frames between two instants; 0 if end <= start."""
    return business_time_between(calendar, start, end) / _MINUTE


def business_time_between(
    calendar: BusinessCalendar | None, start: datetime, end: datetime
) -> timedelta:
    """`business_minutes_between` as an exact `timedelta`, for callers that keep summing."""
    begin, finish = _utc(start, "start"), _utc(end, "end")
    if finish <= begin:
        return _ZERO
    if calendar is None:
        return finish - begin
    total = _ZERO
    zone = calendar.zone
    day = _local_date(begin, zone) - _DAY
    last = _local_date(finish, zone) + _DAY
    while day <= last:
        for opens, closes in _day_intervals(calendar, zone, day):
            total += max(_ZERO, min(closes, finish) - max(opens, begin))
        day += _DAY
    return total


def _intervals_from(calendar: BusinessCalendar, begin: datetime) -> Iterator[Interval]:
    """The calendar's open intervals that end after `begin`, in order, without end.

    Termination: the validator guarantees a frame each week and holidays are finite, so open
    time keeps coming. The guard below only turns a broken promise (say, a zone whose gaps
    swallow every frame) into an error instead of a hang.
    """
    zone = calendar.zone
    day = _local_date(begin, zone) - _DAY
    barren_limit = 7 * (len(calendar.holidays) + 3)
    barren = 0
    while barren <= barren_limit:
        found = False
        for opens, closes in _day_intervals(calendar, zone, day):
            if closes > begin:
                found = True
                yield opens, closes
        barren = 0 if found else barren + 1
        day += _DAY
    raise ValueError(f"no business time within {barren_limit} days of {begin.isoformat()}")


def _day_intervals(calendar: BusinessCalendar, zone: ZoneInfo, day: date) -> list[Interval]:
    if day in calendar.holidays:
        return []
    midnight = datetime(day.year, day.month, day.day)
    spans = (
        (_instant(midnight + f.start * _MINUTE, zone), _instant(midnight + f.end * _MINUTE, zone))
        for f in calendar.hours[day.weekday()]
    )
    return [(opens, closes) for opens, closes in spans if opens < closes]


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time: first occurrence, or the jump if skipped."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the offset before a change
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # `wall` is in a gap: fold=0 lands after the jump and fold=1 before it. Transitions
    # fall on whole seconds, so a bisection over seconds finds the jump exactly.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = 0, int((instant - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (before + timedelta(seconds=middle)).astimezone(zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return before + timedelta(seconds=high)


def _local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _utc(at: datetime, name: str) -> datetime:
    # Convert before any arithmetic: subtracting two datetimes that share a ZoneInfo
    # compares wall clocks and ignores daylight-saving offsets.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {at.isoformat()}")
    return at.astimezone(UTC)


def _duration(minutes: float) -> timedelta:
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes}")
    # timedelta rounds to the nearest microsecond once; everything after is exact.
    return timedelta(minutes=minutes)
