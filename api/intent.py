"""What every command request shares: its intent (origin, If-Match, Idempotency-Key),
provided to handlers as the `intent` dependency, and the headers of its answer."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from uuid import UUID, uuid4

import msgspec
from litestar import Request

from domain.errors import InvalidInput
from domain.pipeline import Idempotency, Intent, Outcome
from domain.values import Actor, Effect, Origin
from wiring.services import Services

from .metrics import note

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


async def provide_intent(request: Request[Actor, Any, Any]) -> Intent:
    """Who asks, when and why; the version they expect; the key that makes a retry safe."""
    key = _key(request)
    content = None if key is None else _canonical(await request.body())
    return intent_of(request, content)


def intent_of(request: Request[Actor, Any, Any], content: bytes | None) -> Intent:
    """The intent of a request whose content (what an idempotent retry must repeat) is
    given: the canonical body, or for a streamed upload what it was found to hold."""
    services: Services = request.app.state.services
    origin = Origin(
        actor=request.user,
        at=services.clock(),
        correlation_id=_correlation_id(request),
        causation_id=uuid4(),
    )
    key = _key(request)
    idempotency = None
    if key is not None and content is not None:
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.url.path.encode(), content])
        ).hexdigest()
        idempotency = Idempotency(key, fingerprint)
    return Intent(origin, _expected_version(request), idempotency)


def status_of(outcome: Outcome) -> int:
    """201 for what a command created, else 200 (a replay answers what the first call
    answered)."""
    return 201 if outcome.effect is Effect.CREATED else 200


def answer_headers(services: Services, outcome: Outcome) -> dict[str, str]:
    """A replayed answer reports the log's head: waiting for it covers the first write.
    The causation and correlation ids are those the command's events carry (a replay's,
    the first call's), so that a caller can find what its request recorded. Every
    command's answer passes here, so the command metrics learn its outcome here."""
    note(outcome)
    position = outcome.position if outcome.position is not None else services.log.head()
    headers = {"ETag": f'"{outcome.version}"', "X-Log-Position": str(position)}
    if outcome.ids is not None:
        headers["X-Causation-ID"] = str(outcome.ids.event_id)
        headers["X-Correlation-ID"] = str(outcome.ids.correlation_id)
    return headers


def _expected_version(request: Request[Any, Any, Any]) -> int | None:
    header = request.headers.get("if-match")
    if header is None:
        return None
    match = _IF_MATCH.match(header)
    if not match:
        raise InvalidInput("If-Match", 'If-Match must be a version in quotes, like "3"')
    return int(match.group(1))


def _key(request: Request[Any, Any, Any]) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not _KEY.match(key):
        raise InvalidInput(
            "Idempotency-Key", "Idempotency-Key must be 1-255 visible ASCII characters"
        )
    return key


def _canonical(body: bytes) -> bytes:
    """The same JSON however it is spaced or its keys ordered; other bytes as they are."""
    try:
        return msgspec.json.encode(msgspec.json.decode(body), order="sorted")
    except msgspec.DecodeError:
        return body


def _correlation_id(request: Request[Any, Any, Any]) -> UUID:
    for name in ("x-correlation-id", "x-request-id"):
        value = request.headers.get(name)
        if value:
            try:
                return UUID(value)
            except ValueError:
                continue
    return uuid4()
