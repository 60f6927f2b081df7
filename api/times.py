"""Times and days in requests: RFC 3339 with a zone, parsed in one place so that every
error names its field."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from domain.errors import InvalidInput

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def instant(field: str, text: str) -> datetime:
    """An RFC 3339 time with a zone (`2026-03-02T09:00:00Z`)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{field} must be an RFC 3339 time") from None
    return zoned(field, at)


def zoned(field: str, at: datetime) -> datetime:
    """A time the framework parsed, refused without a zone (it would be read as local)."""
    if at.tzinfo is None:
        raise InvalidInput(field, f"{field} needs a time zone, like 2026-01-02T03:04:05Z")
    return at


def day(field: str, text: str) -> date:
    """A date (`2026-03-02`), or an RFC 3339 time taken as its UTC day."""
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    else:
        try:
            return instant(field, text).astimezone(UTC).date()
        except InvalidInput:
            pass
    raise InvalidInput(field, f"{field} must be a date like 2026-03-02")
