"""Which roles may issue which ticket command, and the limits on text."""

from __future__ import annotations

import re

from .errors import Forbidden, InvalidInput
from .lifecycle import Command
from .values import WORKERS, Actor, Role

SUBJECT_MAX = 200
BODY_MAX = 65_536

_CUSTOMER_COMMANDS = frozenset(
    {Command.REPLY, Command.ATTACH, Command.CLOSE, Command.REOPEN, Command.REVIEW}
)
_STAFF_COMMANDS = frozenset(Command) - {Command.REVIEW, Command.CHECK_SLA}
_SYSTEM_COMMANDS = frozenset({Command.ASSIGN, Command.CLOSE, Command.CHECK_SLA})


def require_may(actor: Actor, command: Command) -> None:
    if actor.role is Role.CUSTOMER and command in _CUSTOMER_COMMANDS:
        return
    if actor.role in WORKERS and command in _STAFF_COMMANDS:
        return
    if actor.role is Role.SYSTEM and command in _SYSTEM_COMMANDS:
        return
    raise Forbidden(f"the {actor.role.value} role may not {command.value} tickets")


def require_may_open(actor: Actor) -> None:
    if actor.role is not Role.CUSTOMER and actor.role not in WORKERS:
        raise Forbidden(f"the {actor.role.value} role may not open tickets")


_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def require_text(field: str, value: str, maximum: int, *, multiline: bool = True) -> None:
    if not value.strip():
        raise InvalidInput(field, f"{field} must not be empty")
    if len(value) > maximum:
        raise InvalidInput(field, f"{field} must be at most {maximum} characters")
    require_printable(field, value, multiline=multiline)


def require_printable(field: str, value: str, *, multiline: bool = True) -> None:
    """Text is stored verbatim, so it must be text: no control characters (but line breaks
    and tabs where lines are allowed) and no lone surrogates."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE
    if pattern.search(value):
        raise InvalidInput(field, f"{field} must not contain control characters")
