"""The ASGI factory: the app on the store the environment names (`ticketing serve` and
any other ASGI server start here)."""

from __future__ import annotations

from litestar import Litestar

from api.app import create_app
from console.app import OPEN_PATHS, console_router
from wiring.services import Services, build_services


def app() -> Litestar:
    return with_console(build_services())


def with_console(services: Services) -> Litestar:
    """The API and, beside it, the web console, on the same services."""
    return create_app(services, beside=[console_router(services)], open_paths=OPEN_PATHS)
