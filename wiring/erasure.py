"""Erasing a customer (crypto-shredding): destroy the key, record `Erased`, purge copies.

The order makes an interrupted erasure safe to repeat: the key goes first (from then on
every personal field of theirs reads `[erased]`, in this process at once and in the others
within `personal_keys.TTL_SECONDS`), then each of their tickets and their own stream
record `Erased` (so read models and caches drop what they had seen), then the copies kept
outside the log are purged: the outbox's rendered mail, the raw inbound mail, attachment
bytes no one else holds, snapshots, acknowledgement marks, the mail threads' addresses;
last, once the read models have projected it, their files are wiped of the old text.
Asking again records nothing and redoes the purges and the wipe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from uuid import UUID

from domain.errors import NotFound
from domain.pipeline import Intent, Outcome
from domain.values import Role
from projections.view_store import NotScrubbed
from workers import acknowledgements, mail_store, mail_thread, outbox

from .personal_keys import ATTACHMENT, MAIL
from .services import Services
from .snapshots import forget_snapshots
from .views import PROJECTIONS

SCRUB_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Erasure:
    customer_id: UUID
    tickets: int
    """How many tickets of theirs read `[erased]` now."""
    outcome: Outcome
    """The customer's own `Erased`, recorded last: its position covers the others."""
    scrubbed: bool
    """Whether the read models had projected the erasure in time for their files to be
    wiped (`SCRUB_WAIT_SECONDS`); if not, asking again finishes it."""


def erase_customer(services: Services, customer_id: UUID, intent: Intent) -> Erasure:
    helpdesk, keys = services.helpdesk, services.helpdesk.keys
    each = Intent(intent.origin)  # each step is idempotent; the caller's key is the last's
    person = helpdesk.person(customer_id)
    if person.role is not Role.CUSTOMER:
        raise NotFound(f"no customer {customer_id}")
    address = person.email
    keys.destroy(customer_id)
    tickets = [a for a in keys.aggregates_of(customer_id) if a != customer_id]
    erased = []
    for ticket_id in tickets:
        try:
            helpdesk.erase_ticket(ticket_id, each)
        except NotFound:
            continue  # its first event was sealed but never stored
        erased.append(ticket_id)
    last = helpdesk.erase_person(customer_id, intent)
    _purge(services, customer_id, erased, address)
    scrubbed = _scrub(services, last.position or services.log.head())
    return Erasure(customer_id, len(erased), last, scrubbed)


def _purge(services: Services, customer_id: UUID, tickets: list[UUID], address: str) -> None:
    keys = services.helpdesk.keys
    held = keys.held_by(customer_id)
    with services.views.write() as c:
        outbox.erase(c, [str(t) for t in tickets], address)
        mail_thread.erase(c, [str(t) for t in tickets], address)
        acknowledgements.forget(c, address)
        mail_store.forget(c, held[MAIL], address)
    for sha256 in held[ATTACHMENT]:
        if not keys.held_by_others(sha256, customer_id):
            services.blobs.forget(sha256)
    snapshots = services.helpdesk.snapshots
    if snapshots is not None:
        table = snapshots.recorder.events_table_name  # type: ignore[attr-defined]
        forget_snapshots(services.settings, table, [customer_id, *tickets])
    keys.scrub()


def _scrub(services: Services, position: int) -> bool:
    """Once every read model has projected the erasure (it rewrote their rows), their
    files are wiped of the old text; a read model too far behind is left to a second ask."""
    names = [p.name for p in PROJECTIONS]
    deadline = time.monotonic() + SCRUB_WAIT_SECONDS
    while min(services.views.positions(names).values(), default=0) < position:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    try:
        services.views.scrub(PROJECTIONS)
    except NotScrubbed:
        return False
    return True
