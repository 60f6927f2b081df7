"""Recomputes a ticket's hash chain from the stored events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError
from eventsourcing.utils import TopicError

from domain import chain

from .event_log import EventLog, NotATicketEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head: str | None
    first_bad_version: int | None = None
    detail: str | None = None


def verify_ticket(
    log: EventLog, ticket_id: UUID, recorded: Callable[[int], str | None] = lambda _: None
) -> ChainReport:
    """Walks the stored events in version order: each must decode, follow its
    predecessor's version, and carry its predecessor's digest. The newest event has no
    successor to vouch for it, so its digest is compared with the one the audit log
    recorded when it first saw the event (`recorded`, by log position), outside the
    events table."""
    expected_hash, expected_version, count = chain.GENESIS, 1, 0
    head: str | None = None
    previous: str | None = None
    last_position = 0
    try:
        for positioned in log.history(ticket_id):
            event = positioned.event
            last_position = positioned.position
            version = event.originator_version
            if version != expected_version:
                return ChainReport(
                    False, count, head, expected_version, f"version {expected_version} is missing"
                )
            if event.prev_hash != expected_hash:
                return ChainReport(
                    False, count, head, version, "the event does not follow its predecessor"
                )
            previous, head = head, event.digest()
            expected_hash = head
            expected_version += 1
            count += 1
    except (MapperDeserialisationError, TopicError, NotATicketEvent):
        return ChainReport(False, count, head, expected_version, "a stored event no longer decodes")
    witness = recorded(last_position) if count else None
    if witness is not None and witness != head:
        return ChainReport(
            False,
            count - 1,
            previous,
            count,
            "the newest event differs from the one the audit log recorded",
        )
    return ChainReport(True, count, head)
