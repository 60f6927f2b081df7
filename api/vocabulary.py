"""Request fields that take an enumeration's values, spelled from the domain's own
enumeration rather than restated."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import msgspec
from litestar.params import QueryParameter

from domain.errors import InvalidInput
from domain.values import Status

StatusFilter = Annotated[
    str | None,
    QueryParameter(description=f"comma-separated statuses, any of: {', '.join(Status)}"),
]
"""A `status` query parameter naming one or more statuses: `open,in_progress`."""


def one_of(values: Iterable[StrEnum]) -> msgspec.Meta:
    """The constraint of a string field that accepts exactly these values (a subset of an
    enumeration): `Annotated[str, one_of(ACTIVE)]`."""
    names = sorted(v.value for v in values)
    return msgspec.Meta(pattern=f"^({'|'.join(names)})$", examples=names)


def statuses(text: str | None, default: Iterable[Status]) -> tuple[Status, ...]:
    """The statuses a comma-separated `status` filter names (spaces around each allowed),
    or `default` without one; anything else is refused naming `status`."""
    if text is None:
        return tuple(default)
    try:
        return tuple(Status(name.strip()) for name in text.split(","))
    except ValueError:
        raise InvalidInput(
            "status", f"status takes comma-separated statuses, any of: {', '.join(Status)}"
        ) from None
