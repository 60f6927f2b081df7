"""The shape of a request, checked before its handler (the app's `before_request`).

- A query parameter the route does not take is refused, naming it, as an unknown body field
  is: silently ignoring it answered a question other than the one asked (`as_of` on a route
  without it gave the present). What a route takes is read from Litestar's own parsed model
  of its handler and dependencies, so a parameter added to a handler is known at once.
- A JSON body nested deeper than `MAX_DEPTH` is refused naming `body` before it is decoded:
  the decoder recurses, and 100,000 nested arrays were a RecursionError (500). No schema
  here nests deeper than a few levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Litestar, Request

from domain.errors import InvalidInput

MAX_DEPTH = 64
_STRING = re.compile(rb'"(?>[^"\\]+|\\(?:.|\Z))*(?:"|\Z)', re.DOTALL)
"""A JSON string, or an unterminated one up to the end: it matches from every quote it
starts at, so the scan never restarts inside a string (linear, whatever the text)."""
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_AS_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")


def nesting_exceeds(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit`, without decoding it.

    Strings are cut out and every other byte but the brackets dropped; then the innermost
    pairs are peeled off, `limit` times at most (each peel is one pass in C). A pair left
    means deeper nesting; so does a run of more than `limit` openings never closed. Exact
    for well-formed JSON; of malformed text at most twice the limit reaches the decoder,
    which refuses it."""
    brackets = _STRING.sub(b"", body).translate(_AS_PARENTHESES, _NOT_BRACKETS)
    for _ in range(limit):
        peeled = brackets.replace(b"()", b"")
        if len(peeled) == len(brackets):
            break
        brackets = peeled
    return b"()" in brackets or brackets.count(b"(") > limit


@dataclass(frozen=True)
class Takes:
    """What one route handler takes besides its path."""

    query: frozenset[str]
    any_query: bool
    body: bool


class RequestShape:
    """The app's `before_request`: refuses unknown query parameters and deep bodies."""

    def __init__(self) -> None:
        self._takes: dict[int, Takes] = {}

    async def __call__(self, request: Request[Any, Any, Any]) -> None:
        takes = self._of(request)
        if not takes.any_query:
            unknown = sorted(set(request.query_params) - takes.query)
            if unknown:
                known = ", ".join(sorted(takes.query)) or "none"
                named = ", ".join(repr(name) for name in unknown)
                raise InvalidInput(
                    unknown[0], f"unknown query parameter {named} (this route takes: {known})"
                )
        if takes.body and nesting_exceeds(await request.body()):
            raise InvalidInput("body", f"the body nests deeper than {MAX_DEPTH} levels")

    def _of(self, request: Request[Any, Any, Any]) -> Takes:
        if not self._takes:
            self._takes = _route_table(request.app)
        return self._takes.get(id(request.route_handler), Takes(frozenset(), True, False))


def _route_table(app: Litestar) -> dict[int, Takes]:
    """Each handler's parameters, from the kwargs models Litestar built for its routes."""
    table: dict[int, Takes] = {}
    for route in app.routes:
        for handler, model in getattr(route, "route_handler_map", {}).values():
            table[id(handler)] = Takes(
                query=frozenset(p.field_alias for p in model.expected_query_params),
                any_query="query" in model.expected_reserved_kwargs,
                body="data" in model.expected_reserved_kwargs,
            )
    return table
