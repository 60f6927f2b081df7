"""The ticket lifecycle as tables, so that a test can walk every pair."""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransition
from .values import Status

OPEN, IN_PROGRESS, AWAITING, RESOLVED, CLOSED = (
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.AWAITING_CUSTOMER,
    Status.RESOLVED,
    Status.CLOSED,
)
ACTIVE = frozenset({OPEN, IN_PROGRESS, AWAITING})


class Command(StrEnum):
    ASSIGN = "assign"
    TRANSFER = "transfer"
    REPLY = "reply"
    ATTACH = "attach"
    NOTE = "note"
    CHANGE_STATUS = "status"
    CHANGE_PRIORITY = "priority"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    REVIEW = "review"
    CHECK_SLA = "check_sla"


ALLOWED: dict[Command, frozenset[Status]] = {
    Command.ASSIGN: ACTIVE | {RESOLVED},
    Command.TRANSFER: ACTIVE | {RESOLVED},
    Command.REPLY: ACTIVE | {RESOLVED},
    Command.ATTACH: ACTIVE | {RESOLVED},
    Command.NOTE: ACTIVE | {RESOLVED},
    Command.CHANGE_STATUS: ACTIVE,
    Command.CHANGE_PRIORITY: ACTIVE | {RESOLVED},
    Command.RESOLVE: ACTIVE,
    Command.CLOSE: ACTIVE | {RESOLVED},
    Command.REOPEN: frozenset({RESOLVED, CLOSED}),
    Command.REVIEW: frozenset({RESOLVED, CLOSED}),
    Command.CHECK_SLA: ACTIVE | {RESOLVED, CLOSED},
}
"""Which statuses each command may be applied in. A closed ticket must be reopened first.
An SLA check is allowed always: on a ticket whose clock has stopped it records nothing."""

STATUS_MOVES: frozenset[tuple[Status, Status]] = frozenset(
    {
        (OPEN, IN_PROGRESS),
        (IN_PROGRESS, OPEN),
        (IN_PROGRESS, AWAITING),
        (AWAITING, IN_PROGRESS),
        (OPEN, AWAITING),
        (AWAITING, OPEN),
    }
)
"""Moves the status command may make; resolving, closing and reopening have their own."""

CUSTOMER_CLOSABLE = frozenset({RESOLVED})
"""A customer closes only to confirm a resolution."""


def require_allowed(command: Command, status: Status) -> None:
    if status not in ALLOWED[command]:
        raise InvalidTransition(f"cannot {command.value} a ticket that is {status.value}")


def require_move(current: Status, target: Status) -> None:
    if (current, target) not in STATUS_MOVES:
        raise InvalidTransition(f"cannot move a ticket from {current.value} to {target.value}")
