"""Personal data in events: which fields hold it, what a reader sees once its owner is
erased, and the form the hash chain takes of it.

The store encrypts these fields with a key per customer (crypto-shredding, in `wiring`);
erasing the customer destroys the key, so the stored bytes never change and every chain
still verifies. For that, a ticket event's digest covers the fact that a personal field is
there, not its text: the text's integrity is the cipher's authentication tag, and its
stored bytes are in the stream's chain that checkpoints sign (`chain.link`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

ERASED = "[erased]"
"""What every personal field reads as once its key is destroyed."""

SEALED = "[sealed]"
"""A personal field's place in a digest."""


def personal_fields(event_class: type[Any]) -> tuple[str, ...]:
    """The event's personal fields; `a.b` names field `b` of each item of the list `a`."""
    fields: tuple[str, ...] = getattr(event_class, "personal", ())
    return fields


def replaced(fields: dict[str, Any], paths: tuple[str, ...], text: str) -> dict[str, Any]:
    """The fields with every personal one (of `paths`) reading `text` instead."""
    out = dict(fields)
    for path in paths:
        name, _, inner = path.partition(".")
        if out.get(name) is None:
            continue  # absent (a mail without a Message-ID) whether sealed or erased
        if inner:
            out[name] = tuple(_with(item, inner, text) for item in out[name])
        else:
            out[name] = text
    return out


def _with(item: Any, name: str, text: str) -> Any:
    if isinstance(item, dict):
        return {**item, name: text}
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.replace(item, **{name: text})
    return item


def unchanged(state: dict[str, Any]) -> None:
    """The upcast to the version that seals personal fields: their storage changed, not
    the event's shape."""
