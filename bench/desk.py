"""A busy desk made by the domain itself: departments, agents, and N tickets with their
events, as the help desk would have recorded them (used by `bench/scale.py` and by the
query plan tests, which need tables large enough for the planner to prefer an index)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.sla import SLATerms
from domain.ticket import Ticket
from domain.values import Actor, Origin, Priority, Role, Status

WORDS = (
    "printer",
    "laptop",
    "vpn",
    "password",
    "invoice",
    "refund",
    "login",
    "screen",
    "mail",
    "server",
    "network",
    "slow",
    "broken",
    "error",
    "crash",
    "update",
    "license",
    "account",
    "billing",
    "order",
    "delivery",
    "upgrade",
    "backup",
    "keyboard",
    "monitor",
    "phone",
    "calendar",
    "access",
    "report",
    "export",
    "import",
    "sync",
    "timeout",
)
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


@dataclass(frozen=True)
class Desk:
    """Ten departments of five agents each, and the customers who write to them."""

    departments: list[UUID] = field(default_factory=lambda: [uuid4() for _ in range(10)])
    agents: dict[UUID, list[UUID]] = field(default_factory=dict)
    customers: list[UUID] = field(default_factory=lambda: [uuid4() for _ in range(1000)])

    def __post_init__(self) -> None:
        for department in self.departments:
            self.agents.setdefault(department, [uuid4() for _ in range(5)])


TERMS = SLATerms(
    plan_id=UUID("5ca1e000-0000-4000-8000-000000000001"),
    plan_version=1,
    first_response_minutes=600,
    resolution_minutes=2400,
    warn_at_percent=80,
    pause_statuses=(Status.AWAITING_CUSTOMER,),
    calendar=None,
)
"""Round the clock, due far enough ahead that no alarm rings while a benchmark runs."""


def tickets(desk: Desk, count: int, start: datetime, seed: int = 13) -> Iterator[Ticket]:
    """`count` tickets a millisecond apart, with their events pending: a third left
    unassigned, the rest assigned to an agent of their department, some answered,
    waiting on the customer, resolved or closed."""
    chance = random.Random(seed)
    for n in range(count):
        at = start + timedelta(milliseconds=n)
        department = desk.departments[n % len(desk.departments)]
        customer = Actor(desk.customers[n % len(desk.customers)], Role.CUSTOMER)
        ticket = Ticket.open(
            ticket_id=uuid4(),
            number=f"{n + 1:08d}",
            subject=" ".join(chance.sample(WORDS, 4)) + f" #{n}",
            body=" ".join(chance.choices(WORDS, k=12)),
            message_id=uuid4(),
            priority=PRIORITIES[n % len(PRIORITIES)],
            customer_id=customer.id,
            department_id=department,
            help_topic_id=None,
            origin=_origin(customer, at),
            sla=TERMS,
        )
        if n % 3:
            agent = Actor(chance.choice(desk.agents[department]), Role.AGENT)
            ticket.assign(agent.id, _origin(agent, at))
            _work(ticket, agent, n, at, chance)
        yield ticket


def _work(ticket: Ticket, agent: Actor, n: int, at: datetime, chance: random.Random) -> None:
    step = n % 12
    if step >= 4:
        ticket.reply(uuid4(), " ".join(chance.choices(WORDS, k=8)), _origin(agent, at))
    if step == 3:
        ticket.change_status(Status.IN_PROGRESS, _origin(agent, at))
    elif step in (5, 6):
        ticket.change_status(Status.AWAITING_CUSTOMER, _origin(agent, at))
    elif step in (7, 8, 10):
        ticket.resolve("Done.", _origin(agent, at))
        if step == 10:
            ticket.close(_origin(agent, at))


def _origin(actor: Actor, at: datetime) -> Origin:
    return Origin(actor, at, uuid4(), uuid4())
