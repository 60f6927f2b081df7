"""The read models of this deployment: which projections exist and where they live."""

from __future__ import annotations

from projections.audit.handlers import AuditProjection
from projections.base import Projection
from projections.directory.handlers import DirectoryProjection
from projections.postgres_views import PostgresViews
from projections.queue.handlers import QueueProjection
from projections.queue.history import QueueHistoryProjection
from projections.reports.handlers import ReportsProjection
from projections.sqlite_views import SQLiteViews
from projections.timers.handlers import TimersProjection
from projections.view_store import ViewStore

from .config import Settings
from .event_store import postgres_conninfo

PROJECTIONS: tuple[type[Projection], ...] = (
    QueueProjection,
    QueueHistoryProjection,
    AuditProjection,
    TimersProjection,
    ReportsProjection,
    DirectoryProjection,
)


def open_views(settings: Settings) -> ViewStore:
    location = settings.views_location()
    if location is not None:
        location.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteViews(location)
    return PostgresViews(postgres_conninfo(settings))


def projection_named(name: str) -> type[Projection]:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise KeyError(name)
