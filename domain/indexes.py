"""Small aggregates with derived ids that make values unique across the store.

Saving one in the same call as the aggregate it indexes makes the store's
(id, version) uniqueness refuse a second owner atomically (the eventsourcing
library's `uuid5` index pattern).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from .addresses import mailbox
from .recorded import Recorded, who
from .values import Cause, Effect, Origin, Role

_NAMESPACE = UUID("3f1c8f0e-7c59-4a39-9d0c-5a1d8a6f2b10")


class TicketNumber(Aggregate):
    """Claims a ticket's short human number."""

    ticket_id: UUID

    def __init__(self) -> None:
        """State is set by `Claimed.apply`."""

    @staticmethod
    def id_for(number: str) -> UUID:
        return uuid5(_NAMESPACE, f"ticket-number:{number}")

    class Claimed(Recorded, Aggregate.Created):
        ticket_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.ticket_id = self.ticket_id

    @classmethod
    def claim(cls, number: str, ticket_id: UUID, origin: Origin) -> TicketNumber:
        index: TicketNumber = cls._create(
            cls.Claimed, id=cls.id_for(number), ticket_id=ticket_id, **who(origin)
        )
        return index


class EmailAddress(Aggregate):
    """Claims an email address for one person.

    The id is derived from the address's uniqueness key (`domain.addresses`), so every
    spelling of one mailbox (case, fullwidth forms, Unicode or punycode domain) claims the
    same id; for a plain ASCII address that key is the `email.strip().lower()` of the
    claims stored before it, so their ids are unchanged.
    """

    person_id: UUID
    released: bool

    def __init__(self) -> None:
        """State is set by `Claimed.apply`."""

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(_NAMESPACE, f"email:{mailbox(email).key}")

    class Claimed(Recorded, Aggregate.Created):
        person_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.person_id = self.person_id
            aggregate.released = False

    class Released(Recorded):
        """Its person was erased: the address is free for whoever writes from it next."""

        def apply(self, aggregate: Any) -> None:
            aggregate.released = True

    class Reclaimed(Recorded):
        person_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.person_id = self.person_id
            aggregate.released = False

    @classmethod
    def claim(cls, email: str, person_id: UUID, origin: Origin) -> EmailAddress:
        index: EmailAddress = cls._create(
            cls.Claimed, id=cls.id_for(email), person_id=person_id, **who(origin)
        )
        return index

    def release(self, origin: Origin) -> None:
        if not self.released:
            self.trigger_event(self.Released, **who(origin))

    def reclaim(self, person_id: UUID, origin: Origin) -> None:
        self.trigger_event(self.Reclaimed, person_id=person_id, **who(origin))


class DepartmentAddress(Aggregate):
    """Claims a mail address for one department, keyed like a person's (see
    `EmailAddress`), so that mail to it routes to exactly one department."""

    department_id: UUID

    def __init__(self) -> None:
        """State is set by `Claimed.apply`."""

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(_NAMESPACE, f"department-address:{mailbox(email).key}")

    class Claimed(Recorded, Aggregate.Created):
        department_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.department_id = self.department_id

    @classmethod
    def claim(cls, email: str, department_id: UUID, origin: Origin) -> DepartmentAddress:
        index: DepartmentAddress = cls._create(
            cls.Claimed, id=cls.id_for(email), department_id=department_id, **who(origin)
        )
        return index


class Credential(Aggregate):
    """Maps the hash of a bearer token to its holder; the token itself is never stored."""

    person_id: UUID
    token_id: UUID
    role: Role
    expires_at: datetime | None

    def __init__(self) -> None:
        """State is set by `Issued.apply`."""

    @staticmethod
    def id_for(token_hash: str) -> UUID:
        return uuid5(_NAMESPACE, f"token:{token_hash}")

    class Issued(Recorded, Aggregate.Created):
        """Version 2 added the optional expiry; older credentials never expire."""

        class_version = 2
        person_id: UUID
        token_id: UUID
        role: Role
        expires_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["expires_at"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.person_id = self.person_id
            aggregate.token_id = self.token_id
            aggregate.role = self.role
            aggregate.expires_at = self.expires_at

    @classmethod
    def issue(
        cls,
        token_hash: str,
        person_id: UUID,
        token_id: UUID,
        role: Role,
        origin: Origin,
        expires_at: datetime | None = None,
    ) -> Credential:
        credential: Credential = cls._create(
            cls.Issued,
            id=cls.id_for(token_hash),
            person_id=person_id,
            token_id=token_id,
            role=role,
            expires_at=expires_at,
            **who(origin),
        )
        return credential

    def valid_at(self, at: datetime) -> bool:
        return self.expires_at is None or at < self.expires_at


class IdempotencyRecord(Aggregate):
    """Remembers a command's answer under the caller's idempotency key.

    It is saved in the same transaction as the command's events, so either both
    are stored or neither is: a crash in between cannot leave events without a key.
    """

    fingerprint: str
    effect: Effect
    resource_id: UUID
    resource_version: int
    first_call: Cause
    """The first call's causation and correlation ids, which a replay answers too."""

    def __init__(self) -> None:
        """State is set by `Remembered.apply`."""

    @staticmethod
    def id_for(principal_id: UUID, key: str) -> UUID:
        return uuid5(_NAMESPACE, f"idempotency:{principal_id}:{key}")

    class Remembered(Recorded, Aggregate.Created):
        """Version 2 remembers what the command did (created or changed) instead of the
        HTTP status it was answered with: the domain knows no HTTP."""

        class_version = 2
        fingerprint: str
        effect: Effect
        resource_id: UUID
        resource_version: int

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            status_code = state.pop("status_code")
            state["effect"] = Effect.CREATED.value if status_code == 201 else Effect.CHANGED.value

        def apply(self, aggregate: Any) -> None:
            aggregate.fingerprint = self.fingerprint
            aggregate.first_call = Cause(self.causation_id, self.correlation_id)
            aggregate.effect = self.effect
            aggregate.resource_id = self.resource_id
            aggregate.resource_version = self.resource_version

    @classmethod
    def remember(
        cls,
        record_id: UUID,
        fingerprint: str,
        effect: Effect,
        resource_id: UUID,
        resource_version: int,
        origin: Origin,
    ) -> IdempotencyRecord:
        record: IdempotencyRecord = cls._create(
            cls.Remembered,
            id=record_id,
            fingerprint=fingerprint,
            effect=effect,
            resource_id=resource_id,
            resource_version=resource_version,
            **who(origin),
        )
        return record
