"""`GET /v1/projections`: how far each read model has followed the log."""

from __future__ import annotations

import msgspec
from litestar import get

from domain.values import STAFF
from readside.projection_lag import ProjectionLag

from .auth import allow
from .deps import ServicesDep
from .openapi import problems


class ProjectionList(msgspec.Struct):
    items: list[ProjectionLag]


@get(
    "/v1/projections",
    operation_id="projectionStatus",
    responses=problems(),
    guards=[allow(*STAFF)],
    tags=["projections"],
    sync_to_thread=True,
)
def projection_status(services: ServicesDep) -> ProjectionList:
    """Each projection's position, and its lag behind the log in events and seconds."""
    return ProjectionList(items=services.lags())
