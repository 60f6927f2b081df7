"""What every console page shares: the services, the session keys, who is signed in, the
CSRF check of every form, and the intent a form's command is recorded with."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from uuid import uuid4

import anyio.to_thread
from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import QueryParameter

from domain.errors import InvalidInput, NotFound
from domain.pipeline import Idempotency, Intent, Outcome
from domain.values import Origin, Role
from wiring.blobs import TooLarge
from wiring.revoked_sessions import RevokedSessions
from wiring.services import Services
from wiring.uploads import Body, Received, close, receive

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
        typed = None
        if request.method == "POST":
            fields = await request.form()
            typed = str(fields.get("body") or "") or None
        raise SignInNeeded(request.url.path, typed)
    request.scope["user"] = session.actor
    return session


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
    `close_files` removes once the answer is sent. A body over the request limit is refused
    saying the limit."""
    fields: dict[str, Any] = {}
    try:
        await _files(request, console, fields)
    except RequestEntityTooLarge:
        most = request.route_handler.resolve_request_max_body_size() or 0
        raise HTTPException(
            status_code=413,
            detail=f"a form and its files may be at most {size(most)} together;"
            " nothing was recorded",
        ) from None
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
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        fields.update(await request.form())
        request.state.files = []
        return []
    services = console.services
    body = Body(request.stream(), content_type, request.headers.get("content-length", ""))
    try:
        files = await receive(
            body, services.blobs, services.settings.attachment_max_bytes, fields, "files"
        )
    except TooLarge as e:
        raise HTTPException(status_code=413, detail=f"{e}; nothing was recorded") from None
    request.state.files = files
    return files


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
