"""Staff and customers: who may call the API, and with which role."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .addresses import mailbox
from .errors import InvalidInput, NotFound
from .personal import ERASED, unchanged
from .policy import require_text
from .recorded import Recorded, ShallowCopied, who
from .values import Origin, Role

NAME_MAX = 200


def require_person(name: str, email: str) -> str:
    """Checks a person's name and returns their email in its canonical spelling
    (`domain.addresses`), the one stored and mailed to."""
    require_text("name", name, NAME_MAX, multiline=False)
    return mailbox(email).address


class Person(ShallowCopied, Aggregate):
    """A staff member or a customer; tokens are issued to people and named by `token_id`."""

    name: str
    email: str
    role: Role
    department_ids: list[UUID]
    token_ids: list[UUID]
    revoked_token_ids: list[UUID]
    away: bool
    erased: bool

    def __init__(self) -> None:
        """State is set by `Registered.apply`."""

    class Registered(Recorded, Aggregate.Created):
        name: str
        email: str
        role: Role
        department_ids: list[UUID]

        personal = ("name", "email")
        class_version = sealed_from = 2
        """2: personal fields sealed."""
        upcast_v1_v2 = staticmethod(unchanged)

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.email = self.email
            aggregate.role = self.role
            aggregate.department_ids = list(self.department_ids)
            aggregate.token_ids = []
            aggregate.revoked_token_ids = []
            aggregate.away = False
            aggregate.erased = False

    class AvailabilityChanged(Recorded):
        """Away agents get no new tickets from the assigner."""

        away: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.away = self.away

    class TokenIssued(Recorded):
        token_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.token_ids.append(self.token_id)

    @classmethod
    def register(
        cls,
        person_id: UUID,
        name: str,
        email: str,
        role: Role,
        department_ids: list[UUID],
        origin: Origin,
    ) -> Person:
        person: Person = cls._create(
            cls.Registered,
            id=person_id,
            name=name,
            email=require_person(name, email),
            role=role,
            department_ids=department_ids,
            **who(origin),
        )
        return person

    def set_away(self, away: bool, origin: Origin) -> None:
        if away != self.away:
            self.trigger_event(self.AvailabilityChanged, away=away, **who(origin))

    class TokenRevoked(Recorded):
        token_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.revoked_token_ids.append(self.token_id)

    def revoke_token(self, token_id: UUID, origin: Origin) -> None:
        if token_id not in self.token_ids:
            raise NotFound(f"no token {token_id}")
        if token_id not in self.revoked_token_ids:
            self.trigger_event(self.TokenRevoked, token_id=token_id, **who(origin))

    def holds(self, token_id: UUID) -> bool:
        return token_id in self.token_ids and token_id not in self.revoked_token_ids

    def issue_token(self, token_id: UUID, origin: Origin) -> None:
        self.trigger_event(self.TokenIssued, token_id=token_id, **who(origin))

    class Erased(Recorded):
        """The customer's key is destroyed: their name and address read `[erased]`, and
        no token of theirs opens anything any more."""

        def apply(self, aggregate: Any) -> None:
            aggregate.name = aggregate.email = ERASED
            aggregate.revoked_token_ids = list(aggregate.token_ids)
            aggregate.erased = True

    def erase(self, origin: Origin) -> None:
        """Only customers are erased; a second erasure records nothing."""
        if self.role is not Role.CUSTOMER:
            raise InvalidInput("customer_id", f"{self.id} is not a customer")
        if not self.erased:
            self.trigger_event(self.Erased, **who(origin))
