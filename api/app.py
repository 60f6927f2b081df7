"""`create_app()`: the Litestar application, used as-is by the server and the tests."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from domain.values import Role
from ticketing.services import Services

from .audit import AuditController
from .auth import PUBLIC_PATHS, BearerTokens
from .events import event_log
from .ops import RequestCounter, healthz, metrics_handler, readyz
from .organisation import (
    CalendarController,
    DepartmentController,
    HelpTopicController,
    PlanController,
)
from .people import AgentController, CustomerController
from .problems import exception_handlers
from .projection_status import projection_status
from .queues import QueueController
from .ratelimit import TokenBuckets
from .reports import daily_report
from .request_shape import RequestShape
from .tickets import TicketController
from .timers import sla_timers
from .tokens import token_routes
from .waiting import Reads

MAX_BODY = 1024 * 1024
STAFF_AND_ADMIN = tuple(r for r in Role if r not in (Role.CUSTOMER, Role.SYSTEM))


def create_app(services: Services) -> Litestar:
    counter = RequestCounter()
    reads = Reads(services)

    def provide_services() -> Services:
        return services

    return Litestar(
        route_handlers=[
            TicketController,
            AgentController,
            CustomerController,
            CalendarController,
            PlanController,
            DepartmentController,
            HelpTopicController,
            QueueController,
            AuditController,
            projection_status,
            sla_timers,
            event_log,
            daily_report,
            *token_routes("/v1/agents", STAFF_AND_ADMIN, customers=False),
            *token_routes("/v1/customers", (Role.CUSTOMER, Role.ADMIN), customers=True),
            healthz,
            readyz,
            metrics_handler(counter, reads),
        ],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        middleware=[
            reads.middleware,
            counter.middleware,
            DefineMiddleware(
                BearerTokens, exclude=[f"^{p}" for p in PUBLIC_PATHS], addresses=_buckets(services)
            ),
            _buckets(services).middleware,
        ],
        before_request=RequestShape(),
        exception_handlers=exception_handlers,
        openapi_config=OpenAPIConfig(
            title="ticketing",
            version="0.1.0",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        state=State({"services": services, "reads": reads}),
        request_max_body_size=MAX_BODY,
        debug=False,
        on_startup=[lambda: _start_workers(services)],
        on_shutdown=[services.close],
    )


def _buckets(services: Services) -> TokenBuckets:
    return TokenBuckets(services.settings.rate_per_second, services.settings.rate_burst)


def _start_workers(services: Services) -> None:
    if services.settings.workers_embedded:
        services.listen_to_log()
        services.start_workers()


def app_from_environment() -> Litestar:
    """The ASGI factory for servers started outside `ticketing serve`."""
    from ticketing.services import build_services

    return create_app(build_services())
