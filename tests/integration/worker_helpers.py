"""Steps shared by the worker tests: an organisation built through the application,
customers who open tickets, workers stepped by hand until they have nothing left to do,
and a real SMTP server on loopback that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from uuid import UUID, uuid4

import msgspec
from aiosmtpd.controller import Controller

from api.org_schemas import DefineDepartment
from domain.application import HelpDesk
from domain.organisation import AssignMode, PlanTerms
from domain.people import Person
from domain.pipeline import Intent
from domain.recorded import who
from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.services import Services, build_services
from workers.actors import ASSIGNER
from workers.projections import ProjectionRunner

from ..conftest import FakeClock

ADMIN = Actor(uuid4(), Role.ADMIN)
SUPERVISOR = Actor(uuid4(), Role.SUPERVISOR)
"""Who works tickets by hand in these tests (manual assignment, resolution)."""

API_DEFAULTS = {f.name: f.default for f in msgspec.structs.fields(DefineDepartment)}
"""A department's settings when the admin names none: auto-close 7 days, reopen 14."""


@contextmanager
def opened(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    migrate(settings)
    services = build_services(settings, clock=clock)
    try:
        yield services
    finally:
        services.close()


def said(actor: Actor, clock: FakeClock) -> Intent:
    """A command call a second after the previous one."""
    return Intent(Origin(actor, clock.advance(seconds=1), uuid4(), uuid4()))


def drain(step: Callable[[], bool], most: int = 10_000) -> None:
    """Steps a worker until it has nothing left to do."""
    for _ in range(most):
        if not step():
            return
    raise AssertionError(f"still busy after {most} steps")


@dataclass
class Desk:
    """One help desk as the tests drive it: the organisation's ids, and the runner
    that brings the read models up to date before a worker looks at them."""

    services: Services
    clock: FakeClock
    topics: dict[UUID, UUID] = field(default_factory=dict)
    """Department → the help topic that routes a customer's ticket to it."""
    runner: ProjectionRunner | None = None

    @property
    def helpdesk(self) -> HelpDesk:
        return self.services.helpdesk

    def restarted(self, services: Services) -> Desk:
        """The same organisation seen through new services on the same store."""
        return Desk(services, self.clock, dict(self.topics))

    def plan(self, first_response: int, resolution: int, warn_at_percent: int = 80) -> UUID:
        """A 24x7 plan, targets in minutes."""
        terms = PlanTerms(
            first_response, resolution, None, warn_at_percent, (Status.AWAITING_CUSTOMER,), None
        )
        return self.helpdesk.define_plan("Standard", terms, said(ADMIN, self.clock)).aggregate_id

    def department(
        self,
        name: str,
        mode: AssignMode = AssignMode.NONE,
        plan_id: UUID | None = None,
        auto_close_days: int = API_DEFAULTS["auto_close_days"],
        reopen_days: int = API_DEFAULTS["reopen_days"],
    ) -> UUID:
        department_id = self.helpdesk.define_department(
            name, plan_id, mode, auto_close_days, reopen_days, said(ADMIN, self.clock)
        ).aggregate_id
        topic = self.helpdesk.define_help_topic(
            f"{name} questions", department_id, Priority.NORMAL, None, said(ADMIN, self.clock)
        )
        self.topics[department_id] = topic.aggregate_id
        return department_id

    def person(self, role: Role, *department_ids: UUID, name: str = "") -> UUID:
        outcome = self.helpdesk.register_person(
            name=name or f"A {role.value}",
            email=f"{role.value}-{uuid4().hex[:10]}@example.com",
            role=role,
            department_ids=list(department_ids),
            intent=said(ADMIN, self.clock),
        )
        return outcome.outcome.aggregate_id

    def agents(self, department_id: UUID, count: int) -> list[UUID]:
        """Agents of one department, in id order (the round robin's order)."""
        return sorted(self.person(Role.AGENT, department_id) for _ in range(count))

    def customer(self) -> Actor:
        return Actor(self.person(Role.CUSTOMER), Role.CUSTOMER)

    def legacy_customer(self, email: str) -> Actor:
        """A customer with an address today's rules refuse, as the log may hold one
        registered before them: recorded through the aggregate's own event, without the
        command's checks."""
        person = Person._create(
            Person.Registered,
            id=uuid4(),
            name="Legacy Customer",
            email=email,
            role=Role.CUSTOMER,
            department_ids=[],
            **who(said(ADMIN, self.clock).origin),
        )
        self.helpdesk.save(person)
        return Actor(person.id, Role.CUSTOMER)

    def email_of(self, person_id: UUID) -> str:
        address: str = self.helpdesk.person(person_id).email
        return address

    def open_ticket(
        self,
        customer: Actor,
        department_id: UUID,
        body: str = "I cannot log in.",
        subject: str = "Online Banking Outage",
    ) -> UUID:
        outcome = self.helpdesk.open_ticket(
            subject=subject,
            body=body,
            priority=None,
            customer_id=None,
            department_id=None,
            help_topic_id=self.topics[department_id],
            intent=said(customer, self.clock),
        )
        return outcome.aggregate_id

    def ticket(self, ticket_id: UUID) -> Ticket:
        """The ticket as a request reads it: the aggregate cache caught up with the log
        first, so what another process (another application) saved shows."""
        self.helpdesk.catch_up()
        ticket: Ticket = self.helpdesk.ticket(ticket_id, SUPERVISOR)
        return ticket

    def events(self, ticket_id: UUID) -> list[Ticket.Event]:
        return list(self.helpdesk.ticket_events(ticket_id, SUPERVISOR))

    def assignments(self, ticket_id: UUID) -> list[Ticket.Assigned]:
        """The assigner's decisions on one ticket."""
        return [
            e
            for e in self.events(ticket_id)
            if isinstance(e, Ticket.Assigned) and e.actor_id == ASSIGNER.id
        ]

    def catch_up(self) -> None:
        """Brings every read model up to the log's head."""
        if self.runner is None:
            self.runner = Runtime(self.services).projection_runner()
            self.runner.start()
        drain(self.runner.step)

    def notify(self, notifier: Any = None) -> None:
        """The notifier composes everything logged so far, on fresh read models, and
        sends what is due."""
        self.catch_up()
        drain((notifier or Runtime(self.services).notifier()).step)

    def assign_new_work(self, assigner: Any = None) -> None:
        """The assigner acts on everything logged so far, on fresh read models."""
        self.catch_up()
        drain((assigner or Runtime(self.services).assigner()).step)
        self.catch_up()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class MailServer:
    """A real SMTP server on loopback; `received` holds every message it accepted and
    `envelopes` the envelope recipients of each. `rcpt_replies` and `data_replies` script
    its answers: the next reply queued for an address answers its RCPT (or the DATA of a
    message to it), until none is left and it accepts again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.rcpt_replies: dict[str, list[str]] = {}
        self.data_replies: dict[str, list[str]] = {}
        self.rcpts: Counter[str] = Counter()
        """RCPT commands seen, by address."""
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.rcpts[address] += 1
        scripted = self.rcpt_replies.get(address)
        if scripted:
            return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            scripted = self.data_replies.get(address)
            if scripted:
                return scripted.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if [a.addr_spec for a in m["To"].addresses] == [address]]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


def text_of(message: EmailMessage) -> str:
    """The plain part, with the wire's line endings undone."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())
