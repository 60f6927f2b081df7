"""Who is calling, and whether their role may use a route.

The middleware turns the bearer token into an Actor (`request.user`) or answers
401; each route declares its roles with `allow(...)`, a guard, so a route without
one stands out in the route table.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from domain.values import Actor, Role
from wiring.services import Services

from .ratelimit import TokenBuckets

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ticketing"'}
PUBLIC_PATHS = ("/healthz", "/readyz", "/metrics", "/schema")


class BearerTokens(AbstractAuthenticationMiddleware):
    """Takes a token from the client address's bucket before the lookup and gives it back
    once authenticated, so that only failed authentications drain it (ratelimit.py)."""

    def __init__(self, app: ASGIApp, addresses: TokenBuckets, **options: Any) -> None:
        super().__init__(app, **options)
        self.addresses = addresses

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        address = connection.client.host if connection.client else None
        self.addresses.refuse_when_empty(address)
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("a bearer token is required", headers=_CHALLENGE)
        services: Services = connection.app.state.services
        actor = await anyio.to_thread.run_sync(services.auth.authenticate, token.strip())
        if actor is None:
            raise NotAuthorizedException("the token is not known", headers=_CHALLENGE)
        self.addresses.give_back(address)
        return AuthenticationResult(user=actor, auth=None)


def allow(*roles: Role) -> Any:
    """A guard that lets only the given roles through (403 for the others)."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor: Actor = connection.user
        if actor.role not in allowed:
            raise PermissionDeniedException(f"the {actor.role.value} role may not use this route")

    guard.roles = allowed  # type: ignore[attr-defined]
    return guard
