"""Request and response bodies of the staff and customer routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from domain.addresses import EMAIL_MAX, EMAIL_MIN
from domain.people import NAME_MAX
from domain.values import STAFF, Role

from .vocabulary import one_of

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]
# Only the lengths here: what an address may hold is `domain.addresses.mailbox`.
Email = Annotated[str, msgspec.Meta(min_length=EMAIL_MIN, max_length=EMAIL_MAX)]
StaffRole = Annotated[str, one_of(STAFF)]


class RegisterAgent(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email
    role: StaffRole = Role.AGENT.value
    department_ids: list[UUID] = msgspec.field(default_factory=list)


class RegisterCustomer(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email


class PersonView(msgspec.Struct):
    id: UUID
    name: str
    email: str
    role: Role
    department_ids: list[UUID]
    created_at: str
    away: bool = False
    token: str | None = None


class ErasureView(msgspec.Struct):
    """An erased customer, and how many tickets of theirs read `[erased]`."""

    customer_id: UUID
    erased: bool
    tickets: int
    scrubbed: bool
    """Whether the read models' files are wiped of the old text yet (else ask again)."""


class PersonList(msgspec.Struct):
    items: list[PersonView]
    next_cursor: str | None = None


class SetAvailability(msgspec.Struct, forbid_unknown_fields=True):
    away: bool
