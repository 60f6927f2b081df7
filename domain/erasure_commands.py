"""Erasing a customer: their own stream and each of their tickets record `Erased`.

The personal data itself becomes unreadable when the store destroys the customer's key
(`wiring/erasure.py`); these commands make every process's state read `[erased]` too and
refuse new personal text. Each is idempotent, so an interrupted erasure is finished by
asking again.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from .errors import Forbidden
from .people import Person
from .people_commands import PeopleCommands
from .pipeline import Intent, Outcome
from .ticket import Ticket
from .values import Role


class ErasureCommands(PeopleCommands):
    def erase_person(self, customer_id: UUID, intent: Intent) -> Outcome:
        """Also releases their address, in the same transaction, so that mail from it
        later makes a new customer rather than a ticket nobody can read."""
        _require_admin(intent)

        def erase(person: Person) -> list[Aggregate]:
            if person.erased:
                return []
            claim = self.claim_of(person.email)
            person.erase(intent.origin)
            if claim is None or claim.person_id != person.id:
                return []
            claim.release(intent.origin)
            return [claim]

        return self.change(intent, lambda: self._get(Person, customer_id), erase)

    def erase_ticket(self, ticket_id: UUID, intent: Intent) -> Outcome:
        _require_admin(intent)
        return self.change(
            intent, lambda: self._get(Ticket, ticket_id), lambda t: t.erase(intent.origin)
        )


def _require_admin(intent: Intent) -> None:
    if intent.origin.actor.role is not Role.ADMIN:
        raise Forbidden("only admins erase customers")
