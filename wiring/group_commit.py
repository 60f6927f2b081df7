"""Group commit: saves that arrive together share one transaction.

While one batch is being committed, the saves that arrive queue up; the next thread to
commit takes all of them into one statement. Every commit of the log holds its table
lock through the WAL flush, so commits are one at a time whatever the concurrency: the
way to more commands a second is more commands a commit. Each caller waits for the
commit of its own batch (nothing is acknowledged before), gets its own positions, and a
batch that fails on a taken (aggregate, version) is saved again one caller at a time, so
only the conflicting command fails, and retries in the pipeline as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import IntegrityError, StoredEvent

Insert = Callable[[Sequence[StoredEvent]], list[int]]


@dataclass
class _Save:
    events: Sequence[StoredEvent]
    positions: list[int] = field(default_factory=list)
    error: Exception | None = None
    done: bool = False


class GroupCommit:
    def __init__(self, insert: Insert) -> None:
        self._insert = insert
        self._queue: list[_Save] = []
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        """One batch in flight per process (the table lock allows one anyway)."""

    def insert(self, events: Sequence[StoredEvent]) -> list[int]:
        save = _Save(events)
        with self._queue_lock:
            self._queue.append(save)
        with self._commit_lock:
            if not save.done:  # not taken by the batch that committed while we waited
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if save.error is not None:
            raise save.error
        return save.positions

    def _commit(self, batch: list[_Save]) -> None:
        try:
            positions = self._insert([e for s in batch for e in s.events])
        except IntegrityError as e:
            if len(batch) == 1:
                self._finish(batch[0], error=e)
            else:
                for save in batch:
                    self._alone(save)
            return
        except Exception as e:
            for save in batch:
                self._finish(save, error=e)
            return
        start = 0
        for save in batch:
            self._finish(save, positions[start : start + len(save.events)])
            start += len(save.events)

    def _alone(self, save: _Save) -> None:
        try:
            self._finish(save, self._insert(save.events))
        except Exception as e:
            self._finish(save, error=e)

    @staticmethod
    def _finish(
        save: _Save, positions: list[int] | None = None, error: Exception | None = None
    ) -> None:
        save.positions, save.error, save.done = positions or [], error, True
