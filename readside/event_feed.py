"""The global event log for analysts and auditors: every recorded fact in log order,
read in batches straight from the store (constant memory however long the log)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from domain.indexes import Credential, EmailAddress, IdempotencyRecord, TicketNumber
from domain.recorded import Recorded
from domain.ticket_events import TicketEvent
from domain.timefmt import rfc3339
from projections.plain import plain

_INTERNAL = {
    get_topic(cls)
    for aggregate in (Credential, EmailAddress, IdempotencyRecord, TicketNumber)
    for cls in vars(aggregate).values()
    if isinstance(cls, type)
}
"""Uniqueness and credential bookkeeping: not facts about the help desk."""
BATCH = 500


class EventFeed:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder = recorder
        self.mapper = mapper

    def after(self, position: int, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Events after a position, oldest first, each as plain data (all of them when
        `limit` is None, read in batches)."""
        return feed(self.recorder, self.mapper, position, limit)


def feed(
    recorder: ApplicationRecorder, mapper: Mapper[Any], after: int, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    given = 0
    while limit is None or given < limit:
        batch = recorder.select_notifications(after, BATCH, inclusive_of_start=False)
        if not batch:
            return
        for notification in batch:
            after = notification.id
            if notification.topic in _INTERNAL:
                continue
            event = mapper.to_domain_event(notification)
            if not isinstance(event, Recorded):
                continue
            yield item(notification.id, event)
            given += 1
            if limit is not None and given >= limit:
                return


def item(position: int, event: Recorded) -> dict[str, Any]:
    return {
        "position": position,
        "aggregate_id": str(event.originator_id),
        "aggregate": "Ticket"
        if isinstance(event, TicketEvent)
        else type(event).__qualname__.split(".")[0],
        "version": event.originator_version,
        "type": type(event).__name__,
        "occurred_at": rfc3339(event.timestamp),
        "actor_id": str(event.actor_id),
        "actor_role": event.actor_role.value,
        "correlation_id": str(event.correlation_id),
        "causation_id": str(event.causation_id),
        "data": plain(event.data()),
    }
