"""`create_app()`: the Litestar application, used as-is by the server and the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware

from domain.values import STAFF, Role
from wiring.runtime import Runtime
from wiring.services import Services

from .agents import AgentController
from .attachments import AttachmentController
from .audit import AuditController
from .auth import PUBLIC_PATHS, BearerTokens
from .calendars import CalendarController
from .customers import CustomerController
from .departments import DepartmentController
from .events import event_log
from .help_topics import HelpTopicController
from .intent import provide_intent
from .mail_outbox import mail_outbox
from .mail_quarantine import mail_quarantine, mail_quarantine_raw
from .metrics import ProcessMetrics
from .openapi import SECURITY, openapi_config
from .ops import healthz, metrics_handler, readyz
from .problems import exception_handlers
from .projection_status import projection_status
from .queues import QueueController
from .ratelimit import TokenBuckets
from .reports import daily_report
from .request_shape import RequestShape
from .sla_plans import PlanController
from .ticket_commands import TicketCommands
from .tickets import TicketController
from .timers import sla_timers
from .tokens import token_routes
from .waiting import Reads
from .what_if import what_if_sla

MAX_BODY = 1024 * 1024


def create_app(
    services: Services, beside: Sequence[Router] = (), open_paths: Sequence[str] = ()
) -> Litestar:
    """The API; `beside` are routers served by the same app with their own sign-in (the
    console), reached without a bearer token under `open_paths` (regular expressions)."""
    process = ProcessMetrics()
    runtime = Runtime(services)
    reads = Reads(services, process.read_waiters)

    def provide_services() -> Services:
        return services

    return Litestar(
        route_handlers=[
            Router("/", route_handlers=_behind_tokens(), security=SECURITY),
            healthz,
            readyz,
            metrics_handler(process, services),
            *beside,
        ],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "intent": Provide(provide_intent),
        },
        middleware=[
            reads.middleware,
            process.middleware,
            DefineMiddleware(
                BearerTokens,
                exclude=[*(f"^{p}" for p in PUBLIC_PATHS), *open_paths],
                addresses=_buckets(services),
            ),
            _buckets(services).middleware,
        ],
        before_request=RequestShape(),
        exception_handlers=exception_handlers,
        openapi_config=openapi_config(),
        state=State({"services": services, "reads": reads}),
        request_max_body_size=MAX_BODY,
        debug=False,
        on_startup=[lambda: _start_workers(runtime)],
        on_shutdown=[runtime.close, process.close],
    )


def _behind_tokens() -> list[Any]:
    """Every route but the public ones (`auth.PUBLIC_PATHS`)."""
    return [
        TicketCommands,
        TicketController,
        AttachmentController,
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
        what_if_sla,
        mail_outbox,
        mail_quarantine,
        mail_quarantine_raw,
        *token_routes("/v1/agents", STAFF, customers=False),
        *token_routes("/v1/customers", (Role.CUSTOMER, Role.ADMIN), customers=True),
    ]


def _buckets(services: Services) -> TokenBuckets:
    return TokenBuckets(*services.settings.rate_limit_per_process())


def _start_workers(runtime: Runtime) -> None:
    """In the embedded mode the workers run in the API's process."""
    if runtime.services.settings.workers_embedded:
        runtime.listen_to_log()
        runtime.start_workers()
