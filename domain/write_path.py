"""The one write path every command takes: retry on conflict, idempotency records saved
in the same transaction as the command's events, and reads of aggregates by type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.utils import get_topic

from .errors import IdempotencyKeyReused, InvalidInput, NotFound
from .indexes import IdempotencyRecord
from .values import Origin

A = TypeVar("A", bound=Aggregate)
CONFLICT_RETRIES = 200
_PAGE = 500


@dataclass(frozen=True)
class Idempotency:
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Intent:
    """The circumstances of one command call."""

    origin: Origin
    expected_version: int | None = None
    idempotency: Idempotency | None = None


@dataclass(frozen=True)
class Outcome:
    """What a command produced: the aggregate's id and version, the global log position
    of its last event, and whether it was a replay of a remembered answer."""

    aggregate_id: UUID
    version: int
    position: int | None
    status_code: int
    replayed: bool = False
    token: str | None = None
    aggregate: Aggregate | None = None
    """The saved aggregate itself, so that the answer needs no second read."""


class WritePath(Application[UUID]):
    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.on_saved: list[Callable[[], None]] = []
        """Called after each save: in-process followers wake without polling."""

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        for listener in self.on_saved:
            listener()

    def _try_save(
        self, aggregate: Aggregate, intent: Intent, status_code: int, *others: Aggregate
    ) -> Outcome | None:
        """Saves everything in one transaction; None when a concurrent writer won."""
        pending = [*others]
        if intent.idempotency is not None:
            pending.append(
                IdempotencyRecord.remember(
                    self._record_id(intent),
                    intent.idempotency.fingerprint,
                    status_code,
                    aggregate.id,
                    aggregate.version,
                    intent.origin,
                )
            )
        try:
            recordings = self.save(aggregate, *pending)
        except IntegrityError:
            return None
        position = max((r.notification.id for r in recordings), default=None)
        return Outcome(aggregate.id, aggregate.version, position, status_code, aggregate=aggregate)

    def _replay(self, intent: Intent) -> Outcome | None:
        if intent.idempotency is None:
            return None
        try:
            record = self._get(IdempotencyRecord, self._record_id(intent))
        except NotFound:
            return None
        if record.fingerprint != intent.idempotency.fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was used with another request")
        return Outcome(
            record.resource_id, record.resource_version, None, record.status_code, replayed=True
        )

    @staticmethod
    def _record_id(intent: Intent) -> UUID:
        assert intent.idempotency is not None
        return IdempotencyRecord.id_for(intent.origin.actor.id, intent.idempotency.key)

    def _get(self, cls: type[A], aggregate_id: UUID) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"no {cls.__name__.lower()} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {cls.__name__.lower()} {aggregate_id}")
        return aggregate

    def _reference(self, cls: type[A], aggregate_id: UUID, field: str) -> A:
        """An aggregate a request names; an unknown one is the request's fault (400)."""
        try:
            return self._get(cls, aggregate_id)
        except NotFound:
            kind = field.removesuffix("_id")
            raise InvalidInput(field, f"unknown {kind} {aggregate_id}") from None

    def _listing(
        self,
        created: type[Any],
        cls: type[A],
        after: int,
        limit: int,
        keep: Callable[[A], bool] = lambda _: True,
    ) -> tuple[list[A], int]:
        """Aggregates in creation order after a log position, and the position to go on
        from: a scan of the log by the creation event's topic."""
        topic = get_topic(created)
        found: list[A] = []
        while len(found) < limit:
            batch = self.recorder.select_notifications(
                after, _PAGE, topics=[topic], inclusive_of_start=False
            )
            for notification in batch:
                after = notification.id
                originator = notification.originator_id
                aggregate = self._get(
                    cls, originator if isinstance(originator, UUID) else UUID(originator)
                )
                if keep(aggregate):
                    found.append(aggregate)
                    if len(found) == limit:
                        break
            if len(batch) < _PAGE:
                break
        return found, after
