"""The hash chain that makes a ticket's history tamper-evident.

Each event carries the digest of its predecessor; the digest covers a canonical
encoding (sorted keys, fixed text forms) of the whole event, so editing, removing
or reordering a stored event breaks the chain at that point.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
ADDED_LATER = {"added_later": True}
"""Metadata for a dataclass field added after events holding that dataclass were
chained: left out of the canonical form while it holds its default, so that an old
event, upcast with the default, keeps the digest it was recorded with."""


def _fields(value: Any) -> dict[str, Any]:
    return {
        f.name: getattr(value, f.name)
        for f in dataclasses.fields(value)
        if not (f.metadata.get("added_later") and getattr(value, f.name) == f.default)
    }


def _text(value: Any) -> Any:
    """Fixed text forms for what JSON lacks; enumerations are str and encode as their value."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def digest(event_type: str, fields: dict[str, Any]) -> str:
    """The SHA-256 of an event's type and fields in canonical JSON."""
    canonical = json.dumps(
        {"type": event_type, "fields": fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_text,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
