"""The one mapping from errors to RFC 9457 problem documents.

Nothing internal leaks: an unexpected error is logged and answered with a bare 500.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain.errors import (
    Conflict,
    DomainError,
    Duplicate,
    Forbidden,
    IdempotencyKeyReused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StaleVersion,
)
from projections.pages import BadCursor

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://ticketing.example/problems/"
_log = logging.getLogger("ticketing.api")

_DOMAIN: dict[type[DomainError], tuple[int, str, str]] = {
    NotFound: (404, "not-found", "Not found"),
    Forbidden: (403, "forbidden", "Forbidden"),
    InvalidInput: (400, "invalid-input", "Invalid input"),
    InvalidTransition: (409, "invalid-transition", "Not allowed in the ticket's current state"),
    Duplicate: (409, "duplicate", "Already exists"),
    StaleVersion: (412, "stale-version", "The resource has changed"),
    IdempotencyKeyReused: (422, "idempotency-key-reused", "Idempotency-Key reused"),
    Conflict: (409, "conflict", "Too many concurrent changes"),
}
_STATUS_TITLES = {
    400: ("invalid-input", "Invalid input"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    429: ("rate-limited", "Too many requests"),
    503: ("not-ready", "Not ready"),
}
_MSGSPEC_PATH = re.compile(r"at `\$\.?([^`]*)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]*)`")
_MISSING_FIELD = re.compile(r"missing required field `([^`]*)`")
_PARAMETER = re.compile(r"(?:query|path|header|cookie) parameter '([^']+)'")


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body = {"type": _TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    for cls, (status, kind, title) in _DOMAIN.items():
        if isinstance(exc, cls):
            if isinstance(exc, InvalidInput):
                return problem(status, kind, title, exc.detail, field=exc.field)
            return problem(status, kind, title, str(exc))
    raise exc


def validation_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, ValidationException)
    field, detail = _field_of(exc)
    spelled = _as_sent(request, field)
    if spelled != field:
        field, detail = spelled, detail.replace(field, spelled, 1)
    return problem(400, "invalid-input", "Invalid input", detail, field=field)


def http_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    kind, title = _STATUS_TITLES.get(status, ("error", "Error"))
    if status >= 500 and status != 503:
        _log.error("server error: %s", exc.detail)
        return problem(status, kind, title, "the server could not answer")
    if status == 400:
        named = _PARAMETER.search(exc.detail or "")
        field = named.group(1) if named else "body"
        return problem(status, kind, title, exc.detail or title, field=field)
    return problem(status, kind, title, exc.detail or title, headers=exc.headers)


def bad_cursor(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    return problem(400, "invalid-input", "Invalid input", str(exc), field="cursor")


def undecodable_body(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    return problem(
        400, "invalid-input", "Invalid input", "the body is not valid UTF-8", field="body"
    )


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal", "Internal error", "the server could not answer")


def _as_sent(request: Request[Any, Any, Any], field: str) -> str:
    """A handler argument as the request spells it: `mail_state` is the query's `state`."""
    handler = request.scope.get("route_handler")
    given = handler.parsed_fn_signature.parameters.get(field) if handler else None
    name = getattr(given.kwarg_definition, "name", None) if given is not None else None
    return name or field


def _field_of(exc: ValidationException) -> tuple[str, str]:
    """Finds the field a validation error is about, from Litestar's extra or msgspec's text."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        key = str(item.get("key") or "")
        if not key and (named := _PARAMETER.search(message)):
            return named.group(1), message
        if item.get("source") != "body" or key != "data":
            return key or "body", f"{key}: {message}" if key else message
        # The body parameter itself: msgspec's message names the field inside it.
        if match := _UNKNOWN_FIELD.search(message):
            return match.group(1), f"unknown field {match.group(1)!r}"
        if match := _MISSING_FIELD.search(message):
            return match.group(1), f"{match.group(1)} is required"
        if match := _MSGSPEC_PATH.search(message):
            return match.group(1) or "body", message
        return "body", message
    named = _PARAMETER.search(str(exc.detail))
    return (named.group(1) if named else "body"), str(exc.detail)


exception_handlers: dict[Any, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    BadCursor: bad_cursor,
    UnicodeDecodeError: undecodable_body,
    Exception: unexpected_error,
}
