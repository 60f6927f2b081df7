"""The contract's time format: RFC 3339, UTC, `Z`, always to the microsecond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_ZERO = timedelta(0)


def rfc3339(at: datetime) -> str:
    if at.utcoffset() != _ZERO:
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def maybe_rfc3339(at: datetime | None) -> str | None:
    return None if at is None else rfc3339(at)
