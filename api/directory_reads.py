"""Reads of the directory read model (people and the organisation's items): every listing
answers at least what was written before it was asked, and answers are typed."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Response

from domain.pipeline import Outcome
from projections.directory.handlers import DirectoryProjection, Kind
from projections.directory.queries import organisation
from wiring.services import Services

from .intent import answer_headers, status_of
from .reads import await_position

V = TypeVar("V", bound=msgspec.Struct)


def consistent(services: Services, min_position: int | None) -> None:
    """Waits until the directory has processed the log as it was when the request came
    (or `min_position`): an admin who just defined a department finds it listed."""
    head = services.log.head() if min_position is None else min_position
    await_position(services.views, DirectoryProjection, head)


def page(
    services: Services,
    kind: Kind,
    shape: type[V],
    limit: int,
    cursor: str | None,
    min_position: int | None,
) -> tuple[list[V], str | None]:
    """One page of the organisation's items of a kind, in the order they were defined."""
    consistent(services, min_position)
    items, next_cursor = organisation(services.views, kind, limit, cursor)
    return [view(item, shape) for item in items], next_cursor


def view(document: dict[str, Any], shape: type[V]) -> V:
    """A document as its typed answer."""
    return msgspec.convert(document, shape)


def answer(
    services: Services, outcome: Outcome, document: dict[str, Any], shape: type[V]
) -> Response[V]:
    """A command's answer: the item as it now is, with its status and headers."""
    return Response(
        view(document, shape),
        status_code=status_of(outcome),
        headers=answer_headers(services, outcome),
    )
