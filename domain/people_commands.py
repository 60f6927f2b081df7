"""Registering staff and customers, their availability, and their bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from .addresses import mailbox
from .errors import Duplicate, Forbidden, InvalidInput, NotFound
from .indexes import Credential, EmailAddress
from .organisation import Department
from .people import Person
from .pipeline import Decision, Intent, Outcome
from .routing import Routing
from .tokens import hash_token, new_token
from .values import WORKERS, Actor, Effect, Role


@dataclass(frozen=True)
class Issued:
    """A command that issued a token: its outcome, and the token itself, which exists
    only here (the store keeps its hash). A replay has no token to show."""

    outcome: Outcome
    token: str | None


class PeopleCommands(Routing):
    def register_person(
        self,
        *,
        name: str,
        email: str,
        role: Role,
        department_ids: list[UUID],
        intent: Intent,
    ) -> Issued:
        """Registers a staff member or customer and issues their first token."""
        for n, department_id in enumerate(department_ids):
            self._reference(Department, department_id, f"department_ids[{n}]")
        address = mailbox(email).address
        token, token_id = new_token(), uuid4()

        def decide() -> Decision:
            claim = self.claim_of(address)
            if claim is not None and not claim.released:
                raise Duplicate(f"{address} is registered already")
            person = Person.register(uuid4(), name, address, role, department_ids, intent.origin)
            person.issue_token(token_id, intent.origin)
            if claim is None:
                claim = EmailAddress.claim(address, person.id, intent.origin)
            else:
                claim.reclaim(person.id, intent.origin)
            credential = Credential.issue(
                hash_token(token), person.id, token_id, role, intent.origin
            )
            return Decision(person, (claim, credential))

        return _issued(self.create(intent, decide), token)

    def set_away(self, person_id: UUID, away: bool, intent: Intent) -> Outcome:
        """Staff mark themselves (or an admin marks them) away: the assigner skips them."""
        _require_self_or_admin(person_id, intent.origin.actor)
        return self.change(
            intent,
            lambda: self._get(Person, person_id),
            lambda person: person.set_away(away, intent.origin),
        )

    def issue_token(self, person_id: UUID, expires_at: datetime | None, intent: Intent) -> Issued:
        """A further token (rotation): shown once, like the first. The expiry is checked
        against the time of the command, after a remembered key is replayed: a retry once
        the expiry has passed answers the first answer."""
        _require_self_or_admin(person_id, intent.origin.actor)
        token, token_id = new_token(), uuid4()

        def issue(person: Person) -> list[Credential]:
            if expires_at is not None and expires_at <= intent.origin.at:
                raise InvalidInput("expires_at", "expires_at must be a future time")
            person.issue_token(token_id, intent.origin)
            return [
                Credential.issue(
                    hash_token(token), person.id, token_id, person.role, intent.origin, expires_at
                )
            ]

        outcome = self.change(intent, lambda: self._get(Person, person_id), issue, Effect.CREATED)
        return _issued(outcome, token)

    def revoke_token(self, person_id: UUID, token_id: UUID, intent: Intent) -> Outcome:
        _require_self_or_admin(person_id, intent.origin.actor)
        return self.change(
            intent,
            lambda: self._get(Person, person_id),
            lambda person: person.revoke_token(token_id, intent.origin),
        )

    def claim_of(self, address: str) -> EmailAddress | None:
        """The address's claim, held or released (an erased person's)."""
        try:
            return self._get(EmailAddress, EmailAddress.id_for(address))
        except NotFound:
            return None

    def person(self, person_id: UUID, version: int | None = None) -> Person:
        """A person now, or as they were at `version` (what a replayed answer shows)."""
        person = self._get(Person, person_id)
        if version is None or version == person.version:
            return person
        if not 1 <= version <= person.version:
            raise NotFound(f"no version {version} of person {person_id}")
        old: Person = self.repository.get(person_id, version=version)
        return old

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
        if person.erased:
            raise InvalidInput(field, f"{role.value} {person_id} was erased")
        return person

    def _require_worker_of(self, person_id: UUID, department_id: UUID | None, field: str) -> None:
        """Someone who may work a ticket of the department: a supervisor, or an agent of
        that department (anyone who works tickets, for a ticket of no department)."""
        try:
            person = self._get(Person, person_id)
        except NotFound:
            raise InvalidInput(field, f"unknown agent {person_id}") from None
        if person.role not in WORKERS:
            raise InvalidInput(field, f"{person_id} does not work tickets")
        if (
            person.role is Role.AGENT
            and department_id is not None
            and department_id not in person.department_ids
        ):
            raise InvalidInput(
                field,
                f"{person_id} does not work in the ticket's department: transfer it first",
            )


def _require_self_or_admin(person_id: UUID, actor: Actor) -> None:
    if actor.role is not Role.ADMIN and actor.id != person_id:
        raise Forbidden("only admins manage another person's tokens and availability")


def _issued(outcome: Outcome, token: str) -> Issued:
    return Issued(outcome, None if outcome.replayed else token)
