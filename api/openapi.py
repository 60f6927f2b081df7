"""What the OpenAPI document says beyond the handlers' own types: the bearer scheme, and
for each route the problem documents (RFC 9457) it can answer, so that a generated client
knows every answer it may get and parses each one.

Each route states its codes where it is declared, `responses=problems(404, *CHANGE)`; the
codes every route behind the bearer token can answer are added by `problems` itself."""

from __future__ import annotations

import msgspec
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

from .problems import PROBLEM_JSON


class ProblemDocument(msgspec.Struct):
    """Every error answer (`application/problem+json`)."""

    type: str
    """A URI naming the kind of problem (`.../problems/invalid-transition`)."""
    title: str
    status: int
    detail: str
    """What went wrong, in words."""
    field: str | None = None
    """The field, query parameter or header that is invalid (400 only)."""


MEANINGS = {
    400: "Invalid input: a body field, a query parameter or a header (`field` names it)",
    401: "No bearer token, or one that is not known",
    403: "The caller's role may not use this route",
    404: "Not found, or not the caller's to see",
    409: "Not allowed in the current state, a duplicate, or too many concurrent changes",
    412: "`If-Match` does not match the current version; nothing was recorded",
    413: "The request body is larger than 1 MiB, or a file than the attachment limit",
    422: "The `Idempotency-Key` was used before with a different request",
    429: "Too many requests, or too many reads waiting (see `Retry-After`)",
    503: "Not ready: the store does not answer, or a read waited too long for `min_position`",
}

CALLER = (400, 401, 403, 429)
"""What every route behind the token can answer: a query parameter it does not take, no or
an unknown token, a role it does not admit, too many requests."""
CREATE = (409, 413, 422)
"""What a command creating something can answer (`If-Match` does not apply to it)."""
CHANGE = (404, 409, 412, 413, 422)
"""What a command changing something can answer."""
WAITS = (503,)
"""A read taking `min_position`: 503 when the wait limit passes (400 beyond the log's head,
429 beyond a caller's waiting reads)."""

BEARER = "bearer"
SECURITY: list[SecurityRequirement] = [{BEARER: []}]
"""The requirement of every route but the public ones (`auth.PUBLIC_PATHS`)."""


def problems(*codes: int, public: bool = False) -> dict[int, ResponseSpec]:
    """The problem answers of a route: `codes`, and unless it is public those of `CALLER`
    (a public route can still refuse a query parameter it does not take: 400)."""
    given = {400, *codes} if public else {*CALLER, *codes}
    return {
        code: ResponseSpec(
            ProblemDocument,
            description=MEANINGS[code],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for code in sorted(given)
    }


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="ticketing",
        version="0.1.0",
        path="/schema",
        render_plugins=[ScalarRenderPlugin()],
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A person's token, as registration or rotation showed it",
                )
            }
        ),
    )
