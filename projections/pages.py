"""Keyset pagination: opaque cursors that carry the last row's sort value and id."""

from __future__ import annotations

import base64
import json
from typing import Any, TypeVar

T = TypeVar("T")


class BadCursor(ValueError):
    """A cursor this server did not give for this query (garbled, forged, or another
    query's); the API answers it as invalid input naming `cursor`."""


def encode_cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """The cursor's values, each checked against the expected type, or `BadCursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(shape)
        or not all(type(v) is t and _in_range(v) for v, t in zip(values, shape, strict=True))
    ):
        raise BadCursor("cursor is not one this server gave for this query")
    return values


def _in_range(value: Any) -> bool:
    """What a column can hold: 64-bit integers, short strings."""
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and len(value) <= 100


def split_page(rows: list[T], limit: int) -> tuple[list[T], T | None]:
    """A page's rows (fetched one over `limit`, to know whether more follow) and the
    row the next page continues after, or None on the last page."""
    return rows[:limit], (rows[limit - 1] if len(rows) > limit else None)
