"""The base of every ticket event: who, why, and the link to its predecessor."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from . import chain
from .recorded import Recorded


class TicketEvent(Recorded):
    """Every ticket event links to its predecessor through `prev_hash`."""

    prev_hash: str

    @property
    def event_id(self) -> UUID:
        """A stable id for the event, for the causation ids of what it causes and the
        Message-IDs of the mail it sends."""
        return uuid5(self.originator_id, str(self.originator_version))

    def digest(self) -> str:
        fields = dict(vars(self))
        return chain.digest(type(self).__name__, fields)

    def mutate(self, aggregate: Any) -> Any:
        ticket = super().mutate(aggregate)
        if ticket is not None and ticket.chained:
            ticket.head_hash = self.digest()
        return ticket
