"""The composition root: one place that builds the store, the application and what
the API and workers share; tests override any piece by passing it in."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid5

from domain.application import HelpDesk
from domain.tokens import hash_token
from domain.values import Actor, Role

from .config import Settings
from .store import EventLog, open_helpdesk

BOOTSTRAP_ADMIN_ID = uuid5(UUID("3f1c8f0e-7c59-4a39-9d0c-5a1d8a6f2b10"), "bootstrap-admin")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    helpdesk: HelpDesk
    clock: Callable[[], datetime] = utc_now
    log: EventLog = field(init=False)

    def __post_init__(self) -> None:
        self.log = EventLog(self.helpdesk)
        token = self.settings.admin_token
        self._admin_hash = hash_token(token) if token else None

    def authenticate(self, token: str) -> Actor | None:
        """The bootstrap admin's token is compared in constant time; others by their hash."""
        token_hash = hash_token(token)
        if self._admin_hash is not None and hmac.compare_digest(token_hash, self._admin_hash):
            return Actor(BOOTSTRAP_ADMIN_ID, Role.ADMIN)
        return self.helpdesk.authenticate(token)

    def close(self) -> None:
        self.helpdesk.close()


def build_services(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> Services:
    settings = settings or Settings.from_environment()
    return Services(settings=settings, helpdesk=open_helpdesk(settings), clock=clock)
