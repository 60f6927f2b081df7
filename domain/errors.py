"""The few ways a command can be refused; `api/` maps each to one HTTP answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal; nothing is recorded when one is raised."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""


class Forbidden(DomainError):
    """The caller's role may not do this."""


class InvalidInput(DomainError):
    """A value breaks a rule; `field` names it for the problem document."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field
        self.detail = detail


class InvalidTransition(DomainError):
    """The command is not allowed in the ticket's current state."""


class Duplicate(DomainError):
    """A unique value (an email, say) is taken already."""


class StaleVersion(DomainError):
    """The caller's `If-Match` version is not the current one."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected version {expected}, the ticket is at {actual}")
        self.expected = expected
        self.actual = actual


class IdempotencyKeyReused(DomainError):
    """The same idempotency key came back with a different request."""


class Conflict(DomainError):
    """Concurrent writers kept winning; the command gave up after its retries."""
