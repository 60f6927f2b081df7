"""Personal fields as the store keeps them: AES-256-GCM under their owner's key.

A sealed field is stored as `{"sealed": owner, "n": nonce, "c": ciphertext}` in place of
its text. The associated data binds the ciphertext to its place (aggregate, version,
field), so a sealed value moved to another event fails to open like an edited one.
Without the key (the owner is erased) a field reads `[erased]`.
"""

from __future__ import annotations

import base64
import os
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import CanSnapshotAggregate

from domain.attachment_events import AttachmentUploaded
from domain.people import Person
from domain.personal import ERASED, mapped, personal_fields
from domain.ticket import Ticket

from .personal_keys import ATTACHMENT, MAIL, PersonalKeys

_encoder = msgspec.json.Encoder()

NONCE_BYTES = 12


class Tampered(ValueError):
    """A sealed field does not open under its owner's key: it was altered."""


def seal(key: bytes, owner: UUID, place: str, plain: bytes) -> dict[str, str]:
    nonce = os.urandom(NONCE_BYTES)
    cipher = AESGCM(key).encrypt(nonce, plain, place.encode())
    return {"sealed": str(owner), "n": _text(nonce), "c": _text(cipher)}


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and "sealed" in value


def owner(value: dict[str, str]) -> UUID:
    return UUID(value["sealed"])


def unseal(key: bytes, place: str, value: dict[str, str]) -> bytes:
    try:
        return AESGCM(key).decrypt(_bytes(value["n"]), _bytes(value["c"]), place.encode())
    except (InvalidTag, KeyError, ValueError) as e:
        raise Tampered(f"the sealed {place} does not open") from e


SEALED_PREFIX = b'{"sealed":'
"""How a sealed value's JSON begins (`seal` makes its first key `sealed`): a snapshot's
state is told sealed by it without decoding the whole state."""


def opened(keys: PersonalKeys | None, place: str, value: Any, *, text: bool = False) -> Any:
    """What a stored value reads as: itself unless sealed; else its text (`text`) or
    bytes under the owner's key, and `[erased]` for a text whose key is gone."""
    if not is_sealed(value):
        return value
    key = keys.key(owner(value)) if keys is not None else None
    if key is None:
        if text:
            return ERASED
        raise Tampered(f"the sealed {place} has no key: its owner is erased")
    plain = unseal(key, place, value)
    return plain.decode() if text else plain


def sealed(keys: PersonalKeys, event: Any, state: dict[str, Any], place: str) -> dict[str, Any]:
    """The state to store: its personal fields, or a snapshot's whole state, sealed
    under the owner's key (state of what has no owner is stored as it is)."""
    paths = personal_fields(type(event))
    snapshot = isinstance(event, CanSnapshotAggregate)
    if not paths and not snapshot:
        return state
    owner_id = _owner(keys, event)
    if owner_id is None:
        return state
    key = keys.sealing_key(owner_id)
    kind = _HELD.get(type(event))
    if kind is not None:
        keys.hold(owner_id, kind, event.sha256)
    if snapshot:
        inner = _encoder.encode(state["state"])
        return {**state, "state": seal(key, owner_id, f"{place}/state", inner)}
    builtins: dict[str, Any] = msgspec.to_builtins(state)
    return mapped(builtins, paths, lambda at, v: seal(key, owner_id, f"{place}/{at}", v.encode()))


_HELD = {AttachmentUploaded: ATTACHMENT, Ticket.MailReceived: MAIL}
"""Events naming bytes kept outside the log by their digest (`personal_keys.ATTACHMENT`)."""


def _owner(keys: PersonalKeys, event: Any) -> UUID | None:
    """Whose key seals the event: a ticket's customer (the ticket itself when it has
    none), a person themself; learnt at the aggregate's first event."""
    if isinstance(event, Ticket.Created | Person.Registered):
        owner_id: UUID = getattr(event, "customer_id", None) or event.originator_id
        keys.own(event.originator_id, owner_id)
        return owner_id
    return keys.owner_of(event.originator_id)


def _text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _bytes(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
