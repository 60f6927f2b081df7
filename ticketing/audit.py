"""Recomputes a ticket's hash chain from the stored events."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError

from domain import chain

from .store import EventLog


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head: str | None
    first_bad_version: int | None = None
    detail: str | None = None


def verify_ticket(log: EventLog, ticket_id: UUID) -> ChainReport:
    """Walks the stored events in version order: each must decode, follow its
    predecessor's version, and carry its predecessor's digest."""
    expected_hash, expected_version, count = chain.GENESIS, 1, 0
    head: str | None = None
    try:
        for positioned in log.history(ticket_id):
            event = positioned.event
            version = event.originator_version
            if version != expected_version:
                return ChainReport(
                    False, count, head, expected_version, f"version {expected_version} is missing"
                )
            if event.prev_hash != expected_hash:
                return ChainReport(
                    False, count, head, version, "the event does not follow its predecessor"
                )
            head = expected_hash = event.digest()
            expected_version += 1
            count += 1
    except MapperDeserialisationError:
        return ChainReport(False, count, head, expected_version, "a stored event no longer decodes")
    return ChainReport(True, count, head)
