"""The one pipeline every command goes through.

Replay a remembered `Idempotency-Key`, load, decide, save the decision and the key in
one transaction, and retry on a concurrent writer unless the caller named the version
it expects (`If-Match`). Command methods only say which aggregate and what to do; this
module is the only place that loops, so every command behaves the same way.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, PersistenceError, Recording

from .cache_follower import CacheFollower, FollowedCache
from .errors import Conflict, IdempotencyKeyReused, InvalidInput, NotFound, StaleVersion
from .indexes import IdempotencyRecord
from .values import Cause, Effect, Origin

A = TypeVar("A", bound=Aggregate)

CONFLICT_RETRIES = 64
"""Each round of a race on one aggregate lets at least one writer through, so a
command loses at most as many times as there are writers racing it; 64 covers far
more concurrent commands on one ticket than people ever send. With the jittered
backoff below the last attempt comes about 3 s after the first; past that the caller
gets 409 and may try again."""
BACKOFF_CAP_SECONDS = 0.05


def jittered_backoff(attempt: int) -> None:
    """Sleeps a random time that grows with the attempt, so racing writers spread out
    instead of colliding again in lockstep."""
    time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, 0.001 * 2**attempt)))  # noqa: S311


@dataclass(frozen=True)
class Idempotency:
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Intent:
    """The circumstances of one command call: who, when and why (the origin), the
    version the caller expects, and the key that makes a retry safe."""

    origin: Origin
    expected_version: int | None = None
    idempotency: Idempotency | None = None


@dataclass(frozen=True)
class Outcome:
    """What a command produced: the aggregate's id and version, the global log position
    of its last event (None for a replay), what it did, and whether it is a replay of a
    remembered answer."""

    aggregate_id: UUID
    version: int
    position: int | None
    effect: Effect
    replayed: bool = False
    aggregate: Aggregate | None = None
    """The saved aggregate itself, so that the answer needs no second read."""
    ids: Cause | None = None
    """The causation id (as `event_id`) and correlation id the command's events carry;
    a replay's are the first call's."""


@dataclass(frozen=True)
class Decision:
    """What a command decided: the aggregate it is about, and others that must be saved
    with it in the same transaction (uniqueness claims, a department's rotation)."""

    subject: Aggregate
    others: Sequence[Aggregate] = ()


Act = Callable[[A], Iterable[Aggregate] | None]
"""A command on a loaded aggregate; it may answer other aggregates to save with it."""


class CommandPipeline(Application[UUID]):
    def __init__(
        self,
        env: dict[str, str] | None = None,
        backoff: Callable[[int], None] = jittered_backoff,
    ) -> None:
        super().__init__(env)
        self.backoff = backoff
        self.on_saved: list[Callable[[], None]] = []
        """Called after each save: in-process followers wake without polling."""
        self.follower: CacheFollower | None = None
        """With the cache's fast-forward off (`AGGREGATE_CACHE_FASTFORWARD=n`), loads
        trust the cache and `catch_up()` keeps it fresh (cache_follower.py)."""
        cache = self.repository.cache
        if isinstance(cache, LRUCache) and not self.repository.fastforward:
            followed = FollowedCache(cache.maxsize)
            self.repository.cache = followed
            self.follower = CacheFollower(self.recorder, followed)
            with suppress(PersistenceError):  # no log yet: follow it from its start
                self.follower.start_at_head()

    def forget(self, aggregate_id: UUID) -> None:
        """Drops a cached aggregate known to be stale (someone has seen a later version)."""
        if self.follower is not None:
            self.follower.cache.forget([aggregate_id])

    def catch_up(self) -> None:
        """Makes the next loads see every commit made before this call, in any process
        (a no-op when the cache fast-forwards on every load instead)."""
        if self.follower is not None:
            self.follower.catch_up()

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        for listener in self.on_saved:
            listener()

    def create(self, intent: Intent, decide: Callable[[], Decision]) -> Outcome:
        """A command that brings a new aggregate into being; `decide` runs again on
        every attempt (a fresh ticket number after a collision, say)."""
        return self._run(intent, decide, Effect.CREATED)

    def change(
        self,
        intent: Intent,
        load: Callable[[], A],
        act: Act[A],
        effect: Effect = Effect.CHANGED,
    ) -> Outcome:
        """A command on an existing aggregate: loaded fresh on every attempt, checked
        against the version the caller expects, then acted on. Its effect is a change,
        unless the act brings something new into being (a token, say)."""

        def decide() -> Decision:
            aggregate = load()
            expected = intent.expected_version
            if expected is not None and expected > aggregate.version:
                self.forget(aggregate.id)  # the caller has seen a later version
                aggregate = load()
            if expected is not None and expected != aggregate.version:
                raise StaleVersion(expected, aggregate.version)
            return Decision(aggregate, tuple(act(aggregate) or ()))

        return self._run(intent, decide, effect)

    def _run(self, intent: Intent, decide: Callable[[], Decision], effect: Effect) -> Outcome:
        for attempt in range(CONFLICT_RETRIES):
            replay = self._replay(intent)
            if replay is not None:
                return replay
            outcome = self._try_save(decide(), intent, effect)
            if outcome is not None:
                return outcome
            if intent.expected_version is None:
                self.backoff(attempt)
            # With If-Match the next attempt loads the winner's version and refuses.
        raise Conflict("the resource kept changing; try again")

    def _try_save(self, decision: Decision, intent: Intent, effect: Effect) -> Outcome | None:
        """Saves everything in one transaction; None when a concurrent writer won."""
        subject = decision.subject
        pending = [*decision.others]
        if intent.idempotency is not None:
            pending.append(
                IdempotencyRecord.remember(
                    self._record_id(intent.origin, intent.idempotency),
                    intent.idempotency.fingerprint,
                    effect,
                    subject.id,
                    subject.version,
                    intent.origin,
                )
            )
        try:
            recordings = self.save(subject, *pending)
        except IntegrityError:
            if self.follower is not None:  # the cached state was stale: load it again
                self.follower.cache.forget(a.id for a in (subject, *pending))
            return None
        position = max((r.notification.id for r in recordings), default=None)
        ids = Cause(intent.origin.causation_id, intent.origin.correlation_id)
        return Outcome(subject.id, subject.version, position, effect, aggregate=subject, ids=ids)

    def _replay(self, intent: Intent) -> Outcome | None:
        if intent.idempotency is None:
            return None
        try:
            record = self._get(
                IdempotencyRecord, self._record_id(intent.origin, intent.idempotency)
            )
        except NotFound:
            return None
        if record.fingerprint != intent.idempotency.fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was used with another request")
        return Outcome(
            record.resource_id,
            record.resource_version,
            None,
            record.effect,
            replayed=True,
            ids=record.first_call,
        )

    @staticmethod
    def _record_id(origin: Origin, idempotency: Idempotency) -> UUID:
        return IdempotencyRecord.id_for(origin.actor.id, idempotency.key)

    def _get(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id, version=version)
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

    def one(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        """An aggregate by id and kind (NotFound when it is of another kind), now or as
        it was at `version` (what a replayed answer shows)."""
        return self._get(cls, aggregate_id, version)

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository
