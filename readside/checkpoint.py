"""Signed audit checkpoints: proofs that do not depend on the database alone.

A checkpoint holds the head of every stream's chain (`domain.chain.link` over each
stored event, in version order) and the log position it was taken at, signed with
Ed25519. Verifying against it recomputes the heads from the store as it is now, up to
that position: any event recorded before it that was edited, removed, reordered or
added changes its stream's head, the newest event of each stream included (which no
successor vouches for). The checkpoint is kept outside the database, so rewriting the
store cannot rewrite it, and the signature shows the checkpoint itself is unchanged.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder

from domain import chain
from domain.timefmt import rfc3339

FORMAT = "ticketing-checkpoint/1"
BATCH = 1000


class CheckpointError(ValueError):
    """The key or the checkpoint file cannot be used; the message says why."""


@dataclass(frozen=True)
class Head:
    version: int
    digest: str


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    position: int
    streams: int
    problems: tuple[str, ...] = ()


def heads(recorder: ApplicationRecorder, until: int | None = None) -> tuple[int, dict[str, Head]]:
    """Every stream's head over the log up to `until` (the whole log by default), and
    the position of the last event folded in."""
    found: dict[str, Head] = {}
    last = 0
    for notification in _notifications(recorder, until):
        key = str(UUID(str(notification.originator_id)))
        before = found.get(key)
        previous = chain.GENESIS if before is None else before.digest
        version = int(notification.originator_version)
        found[key] = Head(
            version, chain.link(previous, notification.topic, version, notification.state)
        )
        last = notification.id
    return last, found


def take(recorder: ApplicationRecorder, key: Ed25519PrivateKey, at: datetime) -> dict[str, Any]:
    position, found = heads(recorder)
    body: dict[str, Any] = {
        "format": FORMAT,
        "taken_at": rfc3339(at),
        "position": position,
        "streams": {k: {"version": h.version, "head": h.digest} for k, h in sorted(found.items())},
        "public_key": _text(
            key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        ),
    }
    return {**body, "signature": _text(key.sign(_signed(body)))}


def verify(
    recorder: ApplicationRecorder, checkpoint: dict[str, Any], key: Ed25519PublicKey
) -> CheckpointReport:
    """Whether the store still holds, up to the checkpoint's position, exactly what it
    held when the checkpoint was taken; each difference named by stream."""
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), _signed(body))
        position = int(body["position"])
        signed = {k: Head(int(v["version"]), str(v["head"])) for k, v in body["streams"].items()}
    except (InvalidSignature, KeyError, TypeError, ValueError) as e:
        raise CheckpointError(
            f"the checkpoint is not one this key signed ({e or 'signature'})"
        ) from e
    _, now = heads(recorder, position)
    problems = [
        f"stream {stream}: {_difference(head, now.get(stream))}"
        for stream, head in signed.items()
        if now.get(stream) != head
    ]
    problems += [f"stream {stream}: not in the checkpoint" for stream in now.keys() - signed]
    return CheckpointReport(not problems, position, len(signed), tuple(sorted(problems)))


def private_key(path: str) -> Ed25519PrivateKey:
    """The signing key; made on first use (readable by its owner only) where none is."""
    if not Path(path).exists():
        return _created(Path(path))
    loaded = _load(path, private=True)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise CheckpointError(f"{path} holds no Ed25519 private key: it cannot sign")
    return loaded


def public_key(path: str) -> Ed25519PublicKey:
    """A private key's public half, or a public key (which only verifies)."""
    loaded = _load(path, private=False)
    if isinstance(loaded, Ed25519PrivateKey):
        return loaded.public_key()
    if isinstance(loaded, Ed25519PublicKey):
        return loaded
    raise CheckpointError(f"{path} holds no Ed25519 key")


def _created(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(pem)
    except OSError as e:
        raise CheckpointError(f"cannot make the audit key {path}: {e.strerror}") from e
    return key


def _load(path: str, private: bool) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise CheckpointError(f"cannot read the audit key {path}: {e.strerror}") from e
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        if private:
            raise CheckpointError(f"{path} holds no Ed25519 private key: it cannot sign") from None
    try:
        return serialization.load_pem_public_key(data)
    except ValueError:
        raise CheckpointError(f"{path} holds no Ed25519 key in PEM") from None


def _notifications(recorder: ApplicationRecorder, until: int | None) -> Iterator[Any]:
    after = 0
    while True:
        batch = recorder.select_notifications(after, BATCH, stop=until, inclusive_of_start=False)
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1].id


def _difference(signed: Head, now: Head | None) -> str:
    if now is None:
        return "its events are gone"
    if now.version != signed.version:
        return f"version {now.version} where the checkpoint has {signed.version}"
    return f"an event up to version {signed.version} changed"


def _signed(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
