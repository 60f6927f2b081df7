"""What every console page shares: the services, the session keys, who is signed in, the
CSRF check of every form, and the intent a form's command is recorded with."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl
from uuid import uuid4

import anyio.to_thread
from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import QueryParameter

from domain.errors import InvalidInput, NotFound
from domain.pipeline import Idempotency, Intent, Outcome
from domain.values import Origin, Role
from wiring.blobs import TooLarge
from wiring.revoked_sessions import RevokedSessions
from wiring.services import Services
from wiring.uploads import FORM_TEXT_MAX, Body, Received, close, receive

from .render import size
from .sessions import SESSION_COOKIE, FailedSignIns, Session, SessionKeys, same_token

Form = Mapping[str, str]
MAX_FIELD = 70_000
"""Characters in one form field (a message body is at most 65,536)."""
Cursor = Annotated[str | None, QueryParameter(max_length=512)]
MinPosition = Annotated[int | None, QueryParameter(ge=0, le=2**63 - 1)]
Choice = Annotated[str | None, QueryParameter(max_length=40)]
"""A select's choice in a filter form; the empty choice ("any") is none."""
E = TypeVar("E", bound=StrEnum)


class SignInNeeded(Exception):
    """No session, or it is over: the person signs in again."""

    def __init__(self, next_path: str, typed: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.typed = typed


@dataclass(frozen=True)
class Console:
    services: Services
    keys: SessionKeys
    failures: FailedSignIns


ConsoleDep = NamedDependency[Console]
SessionDep = NamedDependency[Session]
FormDep = NamedDependency[Form]


def console_of(services: Services) -> Console:
    settings = services.settings
    keys = SessionKeys(
        settings.console_secret,
        settings.console_session_minutes,
        services.clock,
        RevokedSessions(services.views),
    )
    return Console(services, keys, FailedSignIns(services.clock))


async def provide_session(request: Request[Any, Any, Any], console: ConsoleDep) -> Session:
    """The signed-in person, or a detour through the sign-in page."""
    value = request.cookies.get(SESSION_COOKIE)
    session = await anyio.to_thread.run_sync(lambda: _admitted(console, console.keys.read(value)))
    if session is None:
        raise SignInNeeded(request.url.path, await _typed(request))
    request.scope["user"] = session.actor
    return session


async def _typed(request: Request[Any, Any, Any]) -> str | None:
    """The `body` a form posted without a session carried, to be copied again. Only a body
    announcing at most FORM_TEXT_MAX bytes is read (the server ends it at its announced
    length): the file forms take bodies of any length, and nobody holds the app to one
    before signing in."""
    announced = request.headers.get("content-length", "")
    if request.method != "POST" or not announced.isdigit() or int(announced) > FORM_TEXT_MAX:
        return None
    fields = await request.form()
    return str(fields.get("body") or "") or None


def _admitted(console: Console, session: Session | None) -> Session | None:
    """A session ends with its person's erasure, whatever its cookie says."""
    if session is None:
        return None
    try:
        erased = console.services.helpdesk.person(session.actor.id).erased
    except NotFound:
        return session  # the admin token's holder is nobody's record
    return None if erased else session


async def provide_form(
    request: Request[Any, Any, Any], console: ConsoleDep, session: SessionDep
) -> Form:
    """A form's fields, once its CSRF token proves it came from this session's pages:
    without it, or with another, the answer is 403 and nothing is recorded. A multipart
    form's files are spooled (not stored) on the way, into `request.state.files`, which
    `close_files` removes once the answer is sent. A file or a form's text over its limit
    is refused saying the limit (the console's page, still signed in)."""
    fields: dict[str, Any] = {}
    try:
        await _files(request, console, fields)
    except (TooLarge, RequestEntityTooLarge) as e:
        said = str(e) if isinstance(e, TooLarge) else _FORM_LIMIT
        raise HTTPException(status_code=413, detail=f"{said}; nothing was recorded") from None
    if not same_token(session.csrf, _single(fields.get("csrf"))):
        raise PermissionDeniedException("the form's CSRF token is missing or wrong")
    form = {k: _single(v) or "" for k, v in fields.items() if k != "csrf"}
    for name, value in form.items():
        if len(value) > MAX_FIELD:
            raise InvalidInput(name, f"{name} is longer than {MAX_FIELD} characters")
    return form


async def _files(
    request: Request[Any, Any, Any], console: Console, fields: dict[str, Any]
) -> list[Received]:
    """The form's `files` parts, read through the API's streaming reader and limits (its
    text fields into `fields`); a urlencoded form has none."""
    request.state.files = []
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        fields.update(await _urlencoded(request))
        return []
    services = console.services
    body = Body(request.stream(), content_type, request.headers.get("content-length", ""))
    files = await receive(
        body, services.blobs, services.settings.attachment_max_bytes, fields, "files"
    )
    request.state.files = files
    return files


async def _urlencoded(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """A form without files, read to at most FORM_TEXT_MAX bytes (TooLarge beyond), as the
    app's body limit would, which the file forms' routes lift; a repeated field is a list,
    as Litestar's form has it."""
    if request.content_type[0] != RequestEncodingType.URL_ENCODED:
        return {}
    if (request.content_length or 0) > FORM_TEXT_MAX:
        raise TooLarge(_FORM_LIMIT)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_TEXT_MAX:
            raise TooLarge(_FORM_LIMIT)
    found: defaultdict[str, list[str]] = defaultdict(list)
    for name, value in parse_qsl(body.decode("utf-8", "replace"), separator="&"):
        found[name].append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in found.items()}


_FORM_LIMIT = f"a form may have at most {size(FORM_TEXT_MAX)}"
"""The app's body limit (api/app.py MAX_BODY) is the same, for routes that keep it."""


async def close_files(request: Request[Any, Any, Any]) -> None:
    """Removes a form's spooled files (stored ones were copied out of them)."""
    close(getattr(request.state, "files", []))


def need(session: Session, roles: Collection[Role]) -> None:
    """The same roles as the API's route: others get 403."""
    if session.actor.role not in roles:
        raise PermissionDeniedException(
            f"the {session.actor.role.value} role may not use this page"
        )


def intent(console: Console, session: Session, path: str, form: Form) -> Intent:
    """A form's command: who and when, and the form's one-time key, so that submitting the
    same form twice (a double click, a resubmission) records it once."""
    origin = Origin(
        actor=session.actor,
        at=console.services.clock(),
        correlation_id=uuid4(),
        causation_id=uuid4(),
    )
    once = form.get("once")
    if not once:
        return Intent(origin)
    fingerprint = hashlib.sha256(
        "\n".join([path, *(f"{k}={form[k]}" for k in sorted(form))]).encode()
    ).hexdigest()
    return Intent(origin, None, Idempotency(f"console:{once[:64]}", fingerprint))


def field(form: Form, name: str) -> str:
    """A required form field, named when it is missing."""
    value = form.get(name, "").strip()
    if not value:
        raise InvalidInput(name, f"{name} is required")
    return value


def option(enum: type[E], name: str, value: str | None) -> E | None:
    """A filter's choice, or None for the empty one."""
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(name, f"{name} is not one of the choices") from None


def cookie(
    request: Request[Any, Any, Any], name: str, value: str, max_age: int | None = None
) -> Cookie:
    """A console cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    https = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    return Cookie(
        key=name,
        value=value,
        path="/console",
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=https,
    )


def written(console: Console, outcome: Outcome) -> int:
    """The log position a command reached (a replay: the head, which covers it)."""
    return outcome.position if outcome.position is not None else console.services.log.head()


def new_key() -> str:
    """A form's one-time key."""
    return uuid4().hex


def _single(value: Any) -> str | None:
    return value if isinstance(value, str) else None
