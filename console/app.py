"""The console's router: its pages, its sign-in in place of bearer tokens, its security
headers, and its errors as pages rather than problem documents."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response, Router
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.static_files import create_static_files_router

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
from wiring.services import Services

from . import (
    audit_pages,
    customer_pages,
    files,
    queue_pages,
    report_pages,
    signin,
    ticket_forms,
)
from .desk import SignInNeeded, close_files, console_of, provide_form, provide_session
from .render import STATIC, page
from .sessions import SESSION_COOKIE, Session
from .ticket_pages import ticket_page

OPEN_PATHS = ("^/console", "^/$")
"""Where the API's bearer tokens are not asked for: the console signs people in itself."""
POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none';"
    " object-src 'none'"
)
HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=POLICY),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
]
_log = logging.getLogger("ticketing.console")


def console_router(services: Services) -> Router:
    console = console_of(services)

    def provide_console() -> Any:
        return console

    def signing_in(request: Request[Any, Any, Any], error: SignInNeeded) -> Response[Any]:
        return signin.sign_in_redirect(console, request, error)

    def too_large(request: Request[Any, Any, Any], error: HTTPException) -> Response[str]:
        """Still signed in: the page says the limit, with the way back to the form."""
        session = console.keys.read(request.cookies.get(SESSION_COOKIE))
        return _error_page(request, 413, _TITLES[413], error.detail, session)

    return Router(
        "/",
        route_handlers=[
            signin.root,
            signin.console_root,
            signin.sign_in_form,
            signin.sign_in,
            signin.sign_out,
            signin.signed_in,
            queue_pages.my_queue,
            queue_pages.department_queue,
            customer_pages.my_tickets,
            customer_pages.new_ticket,
            customer_pages.open_ticket,
            ticket_page,
            ticket_forms.ticket_command,
            files.download,
            audit_pages.find_tickets,
            audit_pages.timeline,
            report_pages.daily_report,
            create_static_files_router(
                "/console/static", directories=[STATIC], include_in_schema=False
            ),
        ],
        dependencies={
            "console": Provide(provide_console, sync_to_thread=False),
            "session": Provide(provide_session),
            "form": Provide(provide_form),
        },
        response_headers=HEADERS,
        after_response=close_files,
        exception_handlers={
            SignInNeeded: signing_in,
            413: too_large,
            DomainError: _domain_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        include_in_schema=False,
    )


def _domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[str]:
    status, title = _DOMAIN.get(type(error), (400, "Not done"))
    detail = str(error)
    if isinstance(error, InvalidInput):
        detail = f"{error.field}: {detail}"
    return _error_page(request, status, title, detail)


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[str]:
    status = error.status_code
    if status >= 500 and status != 503:
        return _unexpected(request, error)
    title = _TITLES.get(status, "Not done")
    detail = error.detail
    if isinstance(error, ValidationException):
        detail = "a value in the address or the form is not one of the choices"
    return _error_page(request, status, title, detail)


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[str]:
    _log.exception("console page failed", exc_info=error)
    return _error_page(request, 500, "Something went wrong", "the error has been logged")


def _error_page(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    session: Session | None = None,
) -> Response[str]:
    """The refusal said plainly, the way back, and what was typed (to copy it again)."""
    parts = request.url.path.split("/")
    back = "/".join(parts[:4]) if parts[1:3] == ["console", "tickets"] and len(parts) > 4 else ""
    return page(
        "error.html",
        status_code=status,
        title=title,
        detail=detail,
        back=back or "/console/",
        session=session,
    )


_DOMAIN: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Forbidden: (403, "Not allowed for your role"),
    InvalidInput: (400, "Please check the form"),
    InvalidTransition: (409, "Not possible in the ticket's current state"),
    Duplicate: (409, "Already exists"),
    StaleVersion: (412, "The ticket has changed; reload it"),
    IdempotencyKeyReused: (422, "That form was already sent with other values"),
    Conflict: (409, "Too many changes at once; try again"),
}
_TITLES = {
    400: "Please check the form",
    403: "Not allowed",
    404: "Not found",
    413: "Too large",
    429: "Too many requests; wait a moment",
    503: "Still catching up; reload in a moment",
}
