"""The HelpDesk application: one method per command, each get → command → save.

Conflicting concurrent commands are retried on fresh state unless the caller named
the version it expects (`If-Match`); idempotency records are saved in the same
transaction as the command's events.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from .addresses import mailbox
from .assignment import Rotation
from .errors import Conflict, Duplicate, Forbidden, InvalidInput, NotFound, StaleVersion
from .indexes import Credential, EmailAddress, TicketNumber
from .lifecycle import Command
from .org_commands import OrganisationCommands
from .organisation import Department
from .people import Person
from .policy import require_may, require_may_open
from .ticket import Ticket
from .tokens import hash_token, new_token
from .values import Actor, AssignReason, Priority, Role, Status
from .write_path import CONFLICT_RETRIES, Idempotency, Intent, Outcome

__all__ = ["HelpDesk", "Idempotency", "Intent", "Outcome"]


def random_ticket_number() -> str:
    """Eight digits, never starting with zero: short enough to read over the phone."""
    return str(10_000_000 + secrets.randbelow(90_000_000))


class HelpDesk(OrganisationCommands):
    name = "HelpDesk"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Ticket: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        new_number: Callable[[], str] = random_ticket_number,
    ) -> None:
        super().__init__(env)
        self.new_number = new_number

    # Tickets: commands

    def open_ticket(
        self,
        *,
        subject: str,
        body: str,
        priority: Priority | None,
        customer_id: UUID | None,
        department_id: UUID | None,
        help_topic_id: UUID | None,
        intent: Intent,
    ) -> Outcome:
        actor = intent.origin.actor
        require_may_open(actor)
        if actor.is_customer:
            customer_id = actor.id
        elif customer_id is not None:
            self._require_person(customer_id, Role.CUSTOMER, "customer_id")
        if actor.is_customer and department_id is not None:
            raise InvalidInput("department_id", "customers choose a help topic, not a department")
        department_id, priority, terms = self.route(help_topic_id, department_id, priority)
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            ticket = Ticket.open(
                ticket_id=uuid4(),
                number=self.new_number(),
                subject=subject,
                body=body,
                message_id=uuid4(),
                priority=priority,
                customer_id=customer_id,
                department_id=department_id,
                help_topic_id=help_topic_id,
                origin=intent.origin,
                sla=terms,
            )
            number = TicketNumber.claim(ticket.number, ticket.id, intent.origin)
            outcome = self._try_save(ticket, intent, 201, number)
            if outcome is not None:
                return outcome
        raise Conflict("could not allocate a ticket number")

    def assign(self, ticket_id: UUID, agent_id: UUID | None, intent: Intent) -> Outcome:
        if agent_id is not None:
            self._require_staff(agent_id, "agent_id")
        return self._change(
            ticket_id,
            Command.ASSIGN,
            intent,
            lambda t: t.assign(agent_id, intent.origin, AssignReason.MANUAL),
        )

    def transfer(self, ticket_id: UUID, department_id: UUID, intent: Intent) -> Outcome:
        terms = self.department_terms(department_id)
        return self._change(
            ticket_id,
            Command.TRANSFER,
            intent,
            lambda t: t.transfer(department_id, intent.origin, terms),
        )

    def check_sla(self, ticket_id: UUID, intent: Intent) -> Outcome:
        """The SLA worker's command: records the warnings and breaches now due, once."""
        return self._change(
            ticket_id, Command.CHECK_SLA, intent, lambda t: t.check_sla(intent.origin)
        )

    def reply(self, ticket_id: UUID, body: str, intent: Intent) -> Outcome:
        return self._change(
            ticket_id, Command.REPLY, intent, lambda t: t.reply(uuid4(), body, intent.origin)
        )

    def add_note(self, ticket_id: UUID, body: str, intent: Intent) -> Outcome:
        return self._change(
            ticket_id, Command.NOTE, intent, lambda t: t.add_note(uuid4(), body, intent.origin)
        )

    def change_status(self, ticket_id: UUID, status: Status, intent: Intent) -> Outcome:
        return self._change(
            ticket_id,
            Command.CHANGE_STATUS,
            intent,
            lambda t: t.change_status(status, intent.origin),
        )

    def change_priority(self, ticket_id: UUID, priority: Priority, intent: Intent) -> Outcome:
        return self._change(
            ticket_id,
            Command.CHANGE_PRIORITY,
            intent,
            lambda t: t.change_priority(priority, intent.origin),
        )

    def resolve(self, ticket_id: UUID, resolution: str, intent: Intent) -> Outcome:
        return self._change(
            ticket_id, Command.RESOLVE, intent, lambda t: t.resolve(resolution, intent.origin)
        )

    def close_ticket(self, ticket_id: UUID, intent: Intent) -> Outcome:
        """Named apart from `Application.close`, which closes the store."""
        return self._change(ticket_id, Command.CLOSE, intent, lambda t: t.close(intent.origin))

    def reopen(self, ticket_id: UUID, reason: str, intent: Intent) -> Outcome:
        """Customers reopen within their department's window (`reopen_days`)."""
        return self._change(
            ticket_id,
            Command.REOPEN,
            intent,
            lambda t: t.reopen(reason, intent.origin, self._reopen_days(t)),
        )

    def auto_assign(
        self, ticket_id: UUID, agent_id: UUID, reason: AssignReason, intent: Intent
    ) -> Outcome:
        """The assigner's decision, saved with the department's rotation in one
        transaction so that two assigners deciding at once cannot both win."""

        def assign(ticket: Ticket) -> list[Aggregate]:
            ticket.assign(agent_id, intent.origin, reason)
            if ticket.department_id is None:
                return []
            rotation = self._rotation(ticket.department_id, intent)
            rotation.turn(agent_id, ticket.id, intent.origin)
            return [rotation]

        return self._change(ticket_id, Command.ASSIGN, intent, assign)

    def rotation(self, department_id: UUID) -> Rotation | None:
        try:
            return self._get(Rotation, Rotation.id_for(department_id))
        except NotFound:
            return None

    def _rotation(self, department_id: UUID, intent: Intent) -> Rotation:
        return self.rotation(department_id) or Rotation.start(department_id, intent.origin)

    def _reopen_days(self, ticket: Ticket) -> int | None:
        if ticket.department_id is None:
            return None
        try:
            return self._get(Department, ticket.department_id).reopen_days
        except NotFound:
            return None

    def review(self, ticket_id: UUID, rating: int, comment: str, intent: Intent) -> Outcome:
        return self._change(
            ticket_id,
            Command.REVIEW,
            intent,
            lambda t: t.add_review(rating, comment, intent.origin),
        )

    # Tickets: reads

    def ticket(self, ticket_id: UUID, actor: Actor, version: int | None = None) -> Ticket:
        """The ticket now, or exactly as it was at `version`."""
        ticket = self._get(Ticket, ticket_id)
        self._require_visible(ticket, actor)
        if version is None or version == ticket.version:
            return ticket
        if not 1 <= version <= ticket.version:
            raise NotFound(f"the ticket has no version {version}")
        old: Ticket = self.repository.get(ticket_id, version=version)
        return old

    def ticket_as_of(self, ticket_id: UUID, actor: Actor, at: datetime) -> Ticket:
        """The ticket as it was at a moment: its state after the last event not after it."""
        self.ticket(ticket_id, actor)
        version = 0
        for event in self.ticket_events(ticket_id, actor):
            if event.timestamp > at:
                break
            version = event.originator_version
        if version == 0:
            raise NotFound("the ticket did not exist at that time")
        return self.ticket(ticket_id, actor, version)

    def ticket_events(self, ticket_id: UUID, actor: Actor) -> Iterable[Ticket.Event]:
        """The ticket's events, oldest first; customers never see internal notes."""
        self.ticket(ticket_id, actor)
        for event in self.events.get(ticket_id):
            assert isinstance(event, Ticket.Event)
            if actor.is_customer and isinstance(event, Ticket.NoteAdded):
                continue
            yield event

    # People and credentials

    def register_person(
        self,
        *,
        name: str,
        email: str,
        role: Role,
        department_ids: list[UUID],
        intent: Intent,
    ) -> Outcome:
        """Registers a staff member or customer and issues their first token."""
        for n, department_id in enumerate(department_ids):
            self._reference(Department, department_id, f"department_ids[{n}]")
        address = mailbox(email).address
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            if EmailAddress.id_for(address) in self.repository:
                raise Duplicate(f"{address} is registered already")
            person = Person.register(uuid4(), name, address, role, department_ids, intent.origin)
            token, token_id = new_token(), uuid4()
            person.issue_token(token_id, intent.origin)
            claim = EmailAddress.claim(address, person.id, intent.origin)
            credential = Credential.issue(
                hash_token(token), person.id, token_id, role, intent.origin
            )
            outcome = self._try_save(person, intent, 201, claim, credential)
            if outcome is not None:
                return replace(outcome, token=token)
        raise Conflict("could not register the person")

    def set_away(self, person_id: UUID, away: bool, intent: Intent) -> Outcome:
        """Staff mark themselves (or an admin marks them) away: the assigner skips them."""
        self._require_self_or_admin(person_id, intent.origin.actor)
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            person = self._get(Person, person_id)
            person.set_away(away, intent.origin)
            outcome = self._try_save(person, intent, 200)
            if outcome is not None:
                return outcome
        raise Conflict("the person kept changing; try again")

    def person(self, person_id: UUID) -> Person:
        return self._get(Person, person_id)

    def people(self, roles: frozenset[Role], after: int, limit: int) -> tuple[list[Person], int]:
        """People with the given roles in registration order, after a log position;
        also the position to continue from."""
        return self._listing(Person.Registered, Person, after, limit, lambda p: p.role in roles)

    def authenticate(self, token: str, at: datetime) -> Actor | None:
        """The token's holder, unless the token is unknown, expired or revoked."""
        try:
            credential = self._get(Credential, Credential.id_for(hash_token(token)))
            person = self._get(Person, credential.person_id)
        except NotFound:
            return None
        if not credential.valid_at(at) or not person.holds(credential.token_id):
            return None
        return Actor(credential.person_id, credential.role)

    def issue_token(self, person_id: UUID, expires_at: datetime | None, intent: Intent) -> Outcome:
        """A further token (rotation): shown once, like the first."""
        self._require_self_or_admin(person_id, intent.origin.actor)
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            person = self._get(Person, person_id)
            token, token_id = new_token(), uuid4()
            person.issue_token(token_id, intent.origin)
            credential = Credential.issue(
                hash_token(token), person.id, token_id, person.role, intent.origin, expires_at
            )
            outcome = self._try_save(person, intent, 201, credential)
            if outcome is not None:
                return replace(outcome, token=token)
        raise Conflict("the person kept changing; try again")

    def revoke_token(self, person_id: UUID, token_id: UUID, intent: Intent) -> Outcome:
        self._require_self_or_admin(person_id, intent.origin.actor)
        for _ in range(CONFLICT_RETRIES):
            person = self._get(Person, person_id)
            person.revoke_token(token_id, intent.origin)
            outcome = self._try_save(person, intent, 200)
            if outcome is not None:
                return outcome
        raise Conflict("the person kept changing; try again")

    @staticmethod
    def _require_self_or_admin(person_id: UUID, actor: Actor) -> None:
        if actor.role is not Role.ADMIN and actor.id != person_id:
            raise Forbidden("only admins manage another person's tokens and availability")

    # The write path

    def _change(
        self,
        ticket_id: UUID,
        command: Command,
        intent: Intent,
        act: Callable[[Ticket], Iterable[Aggregate] | None],
    ) -> Outcome:
        """Get, command, save; `act` may answer other aggregates to save atomically."""
        require_may(intent.origin.actor, command)
        for _ in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            ticket = self.ticket(ticket_id, intent.origin.actor)
            expected = intent.expected_version
            if expected is not None and expected != ticket.version:
                raise StaleVersion(expected, ticket.version)
            others = act(ticket) or ()
            outcome = self._try_save(ticket, intent, 200, *others)
            if outcome is not None:
                return outcome
            if expected is not None:
                raise StaleVersion(expected, self._get(Ticket, ticket_id).version)
        raise Conflict("the ticket kept changing; try again")

    def _require_visible(self, ticket: Ticket, actor: Actor) -> None:
        """Existence is not leaked: another customer's ticket, or for an agent a ticket of
        another department (unless assigned to them), is simply not found."""
        if actor.is_customer and ticket.customer_id != actor.id:
            raise NotFound(f"no ticket {ticket.id}")
        if (
            actor.role is Role.AGENT
            and ticket.department_id is not None
            and ticket.assignee_id != actor.id
            and ticket.department_id not in self.departments_of(actor)
        ):
            raise NotFound(f"no ticket {ticket.id}")

    def departments_of(self, actor: Actor) -> list[UUID]:
        """The departments an agent works in (none for other roles)."""
        try:
            return list(self._get(Person, actor.id).department_ids)
        except NotFound:
            return []

    def _require_person(self, person_id: UUID, role: Role, field: str) -> Person:
        try:
            person = self._get(Person, person_id)
        except NotFound:
            raise InvalidInput(field, f"unknown {role.value} {person_id}") from None
        if person.role is not role:
            raise InvalidInput(field, f"{person_id} is not a {role.value}")
        return person

    def _require_staff(self, person_id: UUID, field: str) -> None:
        try:
            person = self._get(Person, person_id)
        except NotFound:
            raise InvalidInput(field, f"unknown agent {person_id}") from None
        if person.role not in (Role.AGENT, Role.SUPERVISOR):
            raise InvalidInput(field, f"{person_id} does not work tickets")
