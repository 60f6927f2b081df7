"""The ASGI factory: the app on the store the environment names (`ticketing serve` and
any other ASGI server start here)."""

from __future__ import annotations

from litestar import Litestar

from api.app import create_app
from wiring.services import build_services


def app() -> Litestar:
    return create_app(build_services())
