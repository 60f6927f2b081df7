"""The base of every ticket event: who, why, and the link to its predecessor."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from . import chain
from .personal import SEALED, personal_fields, replaced
from .recorded import Recorded

ADDED_WHEN_EMPTY_OMITTED = frozenset({"attachments"})
"""Fields added to an event's shape after events of it were stored: while empty they are
left out of the digest, so that an old event upcast with the empty value hashes as it did
when it was stored, and its successor's `prev_hash` still vouches for it."""


class TicketEvent(Recorded):
    """Every ticket event links to its predecessor through `prev_hash`."""

    prev_hash: str

    @property
    def event_id(self) -> UUID:
        """A stable id for the event, for the causation ids of what it causes and the
        Message-IDs of the mail it sends."""
        return uuid5(self.originator_id, str(self.originator_version))

    def digest(self) -> str:
        """Over every field, the personal ones by their place only (`domain.personal`),
        unless the event was stored before they were sealed: the store marks those
        `_plain`, and their digest covers the text, as it did when they were chained."""
        fields = {
            k: v
            for k, v in vars(self).items()
            if not (k in ADDED_WHEN_EMPTY_OMITTED and not v) and not k.startswith("_")
        }
        if not vars(self).get("_plain"):
            fields = replaced(fields, personal_fields(type(self)), SEALED)
        return chain.digest(type(self).__name__, fields)

    def mutate(self, aggregate: Any) -> Any:
        ticket = super().mutate(aggregate)
        if ticket is not None and ticket.chained:
            ticket.head_hash = self.digest()
        return ticket
