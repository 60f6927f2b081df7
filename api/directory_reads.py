"""Reads of the directory read model (people and the organisation's items): every listing
answers at least what was written before it was asked, and answers are typed."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request, Response

from domain.pipeline import Outcome
from projections.directory.handlers import DirectoryProjection, Kind
from projections.directory.queries import organisation
from wiring.services import Services

from .intent import answer_headers, status_of
from .reads import caught_up, in_thread

V = TypeVar("V", bound=msgspec.Struct)


async def consistent(request: Request[Any, Any, Any], min_position: int | None) -> None:
    """Waits until the directory has processed the log as it was when the request came
    (or `min_position`): an admin who just defined a department finds it listed."""
    services: Services = request.app.state.services
    position = min_position if min_position is not None else await in_thread(services.log.head)
    await caught_up(request, DirectoryProjection, position)


async def page(
    request: Request[Any, Any, Any],
    services: Services,
    kind: Kind,
    shape: type[V],
    limit: int,
    cursor: str | None,
    min_position: int | None,
) -> tuple[list[V], str | None]:
    """One page of the organisation's items of a kind, in the order they were defined."""
    await consistent(request, min_position)
    items, next_cursor = await in_thread(lambda: organisation(services.views, kind, limit, cursor))
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
