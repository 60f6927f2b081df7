"""The contract's time format: RFC 3339, UTC, `Z`, always to the microsecond."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def maybe_rfc3339(at: datetime | None) -> str | None:
    return None if at is None else rfc3339(at)
