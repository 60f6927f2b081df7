"""Who a bearer token belongs to."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid5

from domain.application import HelpDesk
from domain.tokens import hash_token
from domain.values import Actor, Role

BOOTSTRAP_ADMIN_ID = uuid5(UUID("3f1c8f0e-7c59-4a39-9d0c-5a1d8a6f2b10"), "bootstrap-admin")


class Authenticator:
    def __init__(
        self, helpdesk: HelpDesk, admin_token: str | None, clock: Callable[[], datetime]
    ) -> None:
        self.helpdesk = helpdesk
        self.clock = clock
        self._admin_hash = hash_token(admin_token) if admin_token else None

    def authenticate(self, token: str) -> Actor | None:
        """The bootstrap admin's token is compared in constant time; others by their hash,
        from the cache once it has caught up with the log: a token revoked through any
        process a moment ago is refused, and so is every request's later read stale-free."""
        self.helpdesk.catch_up()
        token_hash = hash_token(token)
        if self._admin_hash is not None and hmac.compare_digest(token_hash, self._admin_hash):
            return Actor(BOOTSTRAP_ADMIN_ID, Role.ADMIN)
        return self.helpdesk.authenticate(token, self.clock())
