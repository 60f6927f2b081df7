"""Signing in with a token, signing out, and where each role lands."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from domain.values import WORKERS, Role

from .desk import (
    ConsoleDep,
    FormDep,
    SessionDep,
    SignInNeeded,
    cookie,
)
from .render import page
from .sessions import SESSION_COOKIE, SIGN_IN_COOKIE

HOME = {
    Role.CUSTOMER: "/console/tickets",
    Role.AUDITOR: "/console/search",
    Role.ANALYST: "/console/reports",
    Role.ADMIN: "/console/signed-in",
}
"""Where each role lands after sign-in (agents and supervisors: their own queue)."""


def home(role: Role) -> str:
    return "/console/queue" if role in WORKERS else HOME.get(role, "/console/signed-in")


@get("/", include_in_schema=False)
async def root() -> Redirect:
    return Redirect("/console/")


@get("/console", include_in_schema=False)
async def console_root(request: Request[Any, Any, Any], console: ConsoleDep) -> Redirect:
    session = console.keys.read(request.cookies.get(SESSION_COOKIE))
    return Redirect(home(session.actor.role) if session else "/console/sign-in")


def sign_in_page(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    next_path: str = "",
    problem: str | None = None,
    typed: str | None = None,
    status_code: int = 200,
) -> Response[str]:
    """The sign-in form, with its own CSRF cookie; what was typed before a session ended is
    shown to be copied back."""
    value, token = console.keys.sign_in_pair()
    response = page(
        "sign_in.html",
        status_code=status_code,
        csrf=token,
        next_path=_safe_next(next_path),
        problem=problem,
        typed=typed,
        session=None,
    )
    response.set_cookie(cookie(request, SIGN_IN_COOKIE, value, max_age=3600))
    return response


@get("/console/sign-in", include_in_schema=False)
async def sign_in_form(
    request: Request[Any, Any, Any], console: ConsoleDep, next: FromQuery[str] = ""
) -> Response[str]:
    return sign_in_page(request, console, next)


@post("/console/sign-in", include_in_schema=False)
async def sign_in(request: Request[Any, Any, Any], console: ConsoleDep) -> Response[Any]:
    """A known token starts a session; an unknown one, or a form without its CSRF token,
    starts none, and after a few unknown ones the address waits a minute."""
    fields = await request.form()
    next_path = str(fields.get("next") or "")
    csrf = fields.get("csrf")
    if not console.keys.sign_in_valid(
        request.cookies.get(SIGN_IN_COOKIE), csrf if isinstance(csrf, str) else None
    ):
        return sign_in_page(
            request, console, next_path, "The form has expired; sign in again.", status_code=403
        )
    address = request.client.host if request.client else ""
    if console.failures.refused(address):
        return sign_in_page(
            request, console, next_path, "Too many unknown tokens; wait a minute.", status_code=429
        )
    token = str(fields.get("token") or "").strip()
    actor = None
    if token:
        actor = await anyio.to_thread.run_sync(console.services.auth.authenticate, token)
    if actor is None:
        console.failures.failed(address)
        return sign_in_page(
            request, console, next_path, "That token is not known.", status_code=401
        )
    value, _ = console.keys.issue(actor)
    target = _safe_next(next_path) or home(actor.role)
    response = Redirect(target, status_code=303)
    lifetime = int(console.keys.lifetime.total_seconds())
    response.set_cookie(cookie(request, SESSION_COOKIE, value, max_age=lifetime))
    response.delete_cookie(SIGN_IN_COOKIE, path="/console")
    return response


@post("/console/sign-out", include_in_schema=False)
async def sign_out(console: ConsoleDep, session: SessionDep, form: FormDep) -> Response[Any]:
    await anyio.to_thread.run_sync(lambda: console.keys.revoke(session))
    response = Redirect("/console/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@get("/console/signed-in", include_in_schema=False)
async def signed_in(session: SessionDep) -> Response[str]:
    """Roles without pages of their own here (the admin works through the API)."""
    return page("signed_in.html", session=session)


def sign_in_redirect(
    console: ConsoleDep, request: Request[Any, Any, Any], error: SignInNeeded
) -> Response[Any]:
    """Where an absent or ended session leads: a page asked for comes back after sign-in; a
    form posted shows what was typed, to be copied into the form again."""
    if request.method == "GET":
        target = error.next_path
        if request.url.query:
            target += "?" + request.url.query
        return Redirect(f"/console/sign-in?next={_quoted(target)}", status_code=303)
    return sign_in_page(
        request,
        console,
        error.next_path,
        "Your session has ended; sign in again.",
        typed=error.typed,
        status_code=401,
    )


def _safe_next(path: str) -> str:
    """Only a console path of this site: never another origin."""
    if path.startswith("/console/") and not path.startswith("//") and "\\" not in path:
        return path
    return ""


def _quoted(path: str) -> str:
    return quote(path, safe="")
