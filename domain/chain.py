"""The hash chains that make the history tamper-evident.

Each ticket event carries the digest of its predecessor; the digest covers a canonical
encoding (sorted keys, fixed text forms) of the whole event, so editing, removing
or reordering a stored event breaks the chain at that point.

Every stream (tickets, the organisation, people, tokens, indexes) is also chained as
stored: `link` folds each stored event into its stream's head, which an audit
checkpoint signs, so that a change to any event before it, the newest included, shows
without trusting the database.
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


def link(previous: str, topic: str, version: int, state: bytes) -> str:
    """The stream's head after one more stored event: its predecessor's head, its kind,
    its version and the SHA-256 of its stored bytes."""
    body = hashlib.sha256(state).hexdigest()
    return hashlib.sha256(f"{previous}\n{topic}\n{version}\n{body}".encode()).hexdigest()
