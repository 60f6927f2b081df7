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
from collections.abc import Callable
from typing import Any

ERASED = "[erased]"
"""What every personal field reads as once its key is destroyed."""

SEALED = "[sealed]"
"""A personal field's place in a digest."""


def personal_fields(event_class: type[Any]) -> tuple[str, ...]:
    """The event's personal fields; `a.b` names field `b` of each item of the list `a`."""
    fields: tuple[str, ...] = getattr(event_class, "personal", ())
    return fields


def mapped(
    fields: dict[str, Any], paths: tuple[str, ...], change: Callable[[str, Any], Any]
) -> dict[str, Any]:
    """The fields with each personal value (of `paths`) replaced by `change(place,
    value)`, `place` naming it within the event (`body`, `attachments/0/filename`); an
    absent value (a mail without a Message-ID) stays absent, sealed or erased. Items are
    dictionaries (stored JSON) or dataclasses (events)."""
    out = dict(fields)
    for path in paths:
        name, _, inner = path.partition(".")
        if out.get(name) is None:
            continue
        if inner:
            out[name] = tuple(
                _with(item, inner, f"{name}/{n}/{inner}", change)
                for n, item in enumerate(out[name])
            )
        else:
            out[name] = change(name, out[name])
    return out


def replaced(fields: dict[str, Any], paths: tuple[str, ...], text: str) -> dict[str, Any]:
    """The fields with every personal one (of `paths`) reading `text` instead."""
    return mapped(fields, paths, lambda _place, _value: text)


def _with(item: Any, name: str, place: str, change: Callable[[str, Any], Any]) -> Any:
    if isinstance(item, dict):
        value = item.get(name)
        return item if value is None else {**item, name: change(place, value)}
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        value = getattr(item, name)
        return item if value is None else dataclasses.replace(item, **{name: change(place, value)})
    return item


def unchanged(state: dict[str, Any]) -> None:
    """The upcast to the version that seals personal fields: their storage changed, not
    the event's shape."""
