"""What the SLA API tests share: an app without embedded workers whose projections and
SLA worker the test steps by hand, on the fixture clock, and an organisation built
through the admin routes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.services import Services, build_services
from workers.projections import ProjectionRunner

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import history_of, ok, path

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in WORKDAYS}
FRIDAY_4PM_IN_BERLIN = "2026-03-06T16:00:00+01:00"
FIRST_RESPONSE_DUE = "2026-03-02T10:00:00.000000Z"
RESOLUTION_DUE = "2026-03-03T09:00:00.000000Z"
"""The due times of a ticket opened when the fixture clock starts, Monday 09:00 UTC (10:00
in Berlin), under `office_plan`: 60 office minutes to the first response; 480 to the
resolution, seven hours on Monday and one on Tuesday, to 10:00 Berlin."""


def monday(hour: int, minute: int = 0) -> datetime:
    """A moment on the fixture clock's first day, in UTC."""
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


@dataclass
class Desk:
    """The app's own Services, with its projections and SLA worker run by the test."""

    services: Services
    client: TestClient[Any]
    runner: ProjectionRunner

    def catch_up(self) -> None:
        """Steps every projection until it has processed the whole log."""
        while self.runner.step():
            pass

    def tick(self, times: int = 1) -> None:
        """Lets the SLA worker look at the caught-up timers `times` times."""
        for _ in range(times):
            self.catch_up()
            Runtime(self.services).sla_worker().tick()
        self.catch_up()


def desk_for(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    """A client of an app that runs no workers of its own; the app closes the services."""
    settings = replace(settings, embedded_workers=False)
    migrate(settings)
    services = build_services(settings, clock=clock)
    runner = Runtime(services).projection_runner()
    runner.start()
    with TestClient(create_app(services)) as client:
        yield Desk(services, client, runner)


def define(admin: Caller, route: str, **body: Any) -> dict[str, Any]:
    """Defines a piece of the organisation that must be accepted."""
    return ok(admin.post(route, body), 201)


def calendar_body(**changes: Any) -> dict[str, Any]:
    """Monday to Friday, 09:00-17:00 in Berlin (UTC+1 in early March 2026)."""
    return {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": NINE_TO_FIVE, **changes}


def office_hours(admin: Caller, holidays: tuple[str, ...] = ()) -> dict[str, Any]:
    return define(admin, "/v1/calendars", **calendar_body(holidays=list(holidays)))


def ids(listing: dict[str, Any]) -> list[str]:
    """The ids of a list answer's items, in order."""
    return [item["id"] for item in listing["items"]]


def office_plan(admin: Caller) -> tuple[dict[str, Any], dict[str, Any]]:
    """The standard plan of Berlin office hours, and the only (so the default) department,
    which uses it."""
    standard = plan(admin, "Standard", 60, 480, office_hours(admin)["id"])
    return standard, department(admin, "IT Support", standard["id"])


def agent_in(admin: Caller, *department_ids: str) -> Caller:
    """John Doe, an agent working in the given departments."""
    return register(
        admin,
        "/v1/agents",
        name="John Doe",
        email="john@example.com",
        department_ids=list(department_ids),
    )


def plan(
    admin: Caller, name: str, first: int, resolution: int, calendar_id: str | None = None
) -> dict[str, Any]:
    return define(
        admin,
        "/v1/sla-plans",
        name=name,
        first_response_minutes=first,
        resolution_minutes=resolution,
        calendar_id=calendar_id,
    )


def department(admin: Caller, name: str, plan_id: str | None = None) -> dict[str, Any]:
    return define(admin, "/v1/departments", name=name, sla_plan_id=plan_id)


def topic(
    admin: Caller, name: str, department_id: str, priority: str, plan_id: str | None = None
) -> dict[str, Any]:
    return define(
        admin,
        "/v1/help-topics",
        name=name,
        department_id=department_id,
        priority=priority,
        sla_plan_id=plan_id,
    )


def open_ticket(caller: Caller, **body: Any) -> dict[str, Any]:
    return ok(caller.post("/v1/tickets", {"subject": "VPN down", "body": "Help.", **body}), 201)


def events_of(caller: Caller, ticket_id: str, kind: str) -> list[dict[str, Any]]:
    """The ticket's history events of one type, oldest first."""
    return [e for e in history_of(caller, ticket_id) if e["type"] == kind]


def sla_of(caller: Caller, ticket_id: str) -> dict[str, Any]:
    sla: dict[str, Any] = ok(caller.get(path(ticket_id)))["sla"]
    return sla
