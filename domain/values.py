"""Value types shared by the aggregates: enumerations and the command origin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    ADMIN = "admin"
    SYSTEM = "system"
    """The workers (SLA clock, assigner, auto-closer): never a person, never a token."""


WORKERS = frozenset({Role.AGENT, Role.SUPERVISOR})
"""Roles that work tickets (the contract's 'agent' column includes supervisors)."""
STAFF = frozenset(Role) - {Role.CUSTOMER, Role.SYSTEM}
"""Everyone employed by the desk: every person but customers."""
PEOPLE = frozenset(Role) - {Role.SYSTEM}
"""Every role a person (and so a token) may have."""
TICKET_READERS = frozenset({Role.CUSTOMER, Role.AUDITOR}) | WORKERS
"""Who reads tickets: customers their own, agents their departments', the rest all."""


class Effect(StrEnum):
    """What a command did to its aggregate; the API answers 201 or 200 from it."""

    CREATED = "created"
    CHANGED = "changed"


class MessageKind(StrEnum):
    REPLY = "reply"
    NOTE = "note"


class AssignReason(StrEnum):
    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Actor:
    """Who issues a command."""

    id: UUID
    role: Role

    @property
    def is_customer(self) -> bool:
        return self.role is Role.CUSTOMER


@dataclass(frozen=True)
class Origin:
    """Who asked for a change, when, and why: every event carries all of it.

    `correlation_id` names the request or job; `causation_id` the command or event
    the change answers. Time is passed in so that the domain never reads a clock.
    """

    actor: Actor
    at: datetime
    correlation_id: UUID
    causation_id: UUID


@dataclass(frozen=True)
class Cause:
    """An event as the cause of a later command: its id (the command's causation id)
    and its correlation id (which the command carries on)."""

    event_id: UUID
    correlation_id: UUID


@dataclass(frozen=True)
class Attachment:
    """A file on a ticket: the digest of its bytes (kept in the blob store, never in an
    event) and what the uploader said it is."""

    id: UUID
    sha256: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Upload:
    """An attachment uploaded to a ticket and not yet on a message; only its uploader
    may put it on one."""

    attachment: Attachment
    uploader_id: UUID


@dataclass(frozen=True)
class Message:
    """A reply (seen by the customer) or an internal note (staff only)."""

    id: UUID
    kind: MessageKind
    author_id: UUID
    author_role: Role
    body: str
    at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Review:
    rating: int
    comment: str
    at: datetime


@dataclass(frozen=True)
class Mail:
    """What a ticket records of a message that came by mail (see `Ticket.MailReceived`)."""

    sha256: str
    message_id: str | None
    sender: str
    automated: bool
