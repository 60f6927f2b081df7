"""Request fields that take some of an enumeration's values, spelled from the domain's
own enumeration rather than restated."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import msgspec


def one_of(values: Iterable[StrEnum]) -> msgspec.Meta:
    """The constraint of a string field that accepts exactly these values (a subset of an
    enumeration): `Annotated[str, one_of(ACTIVE)]`."""
    names = sorted(v.value for v in values)
    return msgspec.Meta(pattern=f"^({'|'.join(names)})$", examples=names)
