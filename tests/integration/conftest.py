"""The application on a real store, per store; and, for the notifier's tests, a real SMTP
server on loopback and a desk whose notifier sends to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from uuid import UUID, uuid4

import pytest

from domain.application import HelpDesk
from domain.pipeline import Intent
from domain.values import Actor, Origin, Role
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.migrate import migrate

from ..conftest import FakeClock
from .worker_helpers import Desk, MailServer, opened

CUSTOMER = Actor(uuid4(), Role.CUSTOMER)
AGENT = Actor(uuid4(), Role.AGENT)


@pytest.fixture
def helpdesk(settings: Settings) -> Iterator[HelpDesk]:
    migrate(settings)
    app = open_helpdesk(settings)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def desk(settings: Settings, clock: FakeClock, smtp: MailServer) -> Iterator[Desk]:
    """The help desk with its notifier sending to `smtp` (modules of other workers
    define their own, without mail)."""
    with opened(replace(settings, smtp_url=smtp.url), clock) as services:
        yield Desk(services, clock)


@pytest.fixture
def support(desk: Desk) -> UUID:
    return desk.department("IT Support")


def intent(actor: Actor, clock: FakeClock, **kwargs: object) -> Intent:
    """A command call a second after the previous one."""
    return Intent(Origin(actor, clock.advance(seconds=1), uuid4(), uuid4()), **kwargs)  # type: ignore[arg-type]


def open_ticket(helpdesk: HelpDesk, clock: FakeClock, subject: str = "Printer on fire") -> object:
    return helpdesk.open_ticket(
        subject=subject,
        body="It is on fire.",
        priority=None,
        customer_id=None,
        department_id=None,
        help_topic_id=None,
        intent=intent(CUSTOMER, clock),
    )
