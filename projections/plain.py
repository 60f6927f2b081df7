"""Event data as plain JSON-ready values, with every time in the contract's form
(RFC 3339, UTC, `Z`, to the microsecond), wherever event data is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.timefmt import rfc3339


def plain(value: Any) -> Any:
    return _times(msgspec.to_builtins(value, builtin_types=(datetime,)))


def _times(value: Any) -> Any:
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, dict):
        return {k: _times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_times(v) for v in value]
    return value
