"""The composition root: one place that builds the store, the application, the read
models and the read-side services from the configuration. The API and each worker
start from it (`build_services`); tests override pieces (the clock, the settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from domain.sla import SLATerms
from projections.audit.queries import digest_at
from projections.view_store import ViewStore
from readside.event_feed import EventFeed
from readside.event_log import EventLog
from readside.projection_lag import ProjectionLag, lags
from readside.verification import ChainReport, verify_ticket
from readside.what_if import WhatIf, what_if_sla

from .authentication import Authenticator
from .blobs import BlobStore, open_blobs
from .config import Settings
from .event_store import SealingHelpDesk, open_helpdesk
from .views import PROJECTIONS, open_views


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What the API and the workers use; it starts nothing (see `runtime.Runtime`)."""

    settings: Settings
    helpdesk: SealingHelpDesk
    views: ViewStore
    clock: Callable[[], datetime] = utc_now
    log: EventLog = field(init=False)
    feed: EventFeed = field(init=False)
    auth: Authenticator = field(init=False)
    blobs: BlobStore = field(init=False)
    _closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.log = EventLog(self.helpdesk.recorder, self.helpdesk.mapper)
        self.feed = EventFeed(self.helpdesk.recorder, self.helpdesk.mapper)
        self.auth = Authenticator(self.helpdesk, self.settings.admin_token, self.clock)
        self.blobs = open_blobs(self.settings)

    def verify(self, ticket_id: UUID) -> ChainReport:
        """A ticket's chain recomputed from the store, its newest event checked against
        the digest the audit log recorded when it first saw it."""
        return verify_ticket(self.log, ticket_id, lambda position: digest_at(self.views, position))

    def what_if(
        self, terms: SLATerms, start: datetime, end: datetime, department_id: UUID | None
    ) -> WhatIf:
        """The tickets opened in [start, end), as they went and as they would have gone
        under `terms`, followed up to now; records nothing."""
        return what_if_sla(self.log, self.views, terms, start, end, department_id, self.clock())

    def lags(self) -> list[ProjectionLag]:
        """Each projection's position and lag behind the log."""
        return lags(self.log, self.views, PROJECTIONS, self.clock())

    def close(self) -> None:
        """Closes the stores; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        self.views.close()
        self.helpdesk.close()


def build_services(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> Services:
    settings = settings or Settings.from_environment()
    return Services(
        settings=settings,
        helpdesk=open_helpdesk(settings),
        views=open_views(settings),
        clock=clock,
    )
