"""Stored events as readable JSON through msgspec, decoded against each class's own types.

Decoding against the event class's field types (not into plain dicts) is what brings
UUIDs, datetimes and enumerations back as themselves rather than as strings.
Snapshots carry an aggregate's state; it is decoded against that aggregate's
annotations. Old event shapes are upcast by the library's `upcast_vN_vN+1` hooks.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, TypeAlias, TypedDict
from uuid import UUID

import msgspec
from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.personal import mapped, personal_fields

from .personal_keys import PersonalKeys
from .sealing import SEALED_PREFIX, opened, sealed

_encoder = msgspec.json.Encoder()

_BASE_STATE = ("_created_on", "_modified_on")
"""Attributes every aggregate has but does not annotate."""


class _SnapshotEnvelope(msgspec.Struct):
    timestamp: datetime
    topic: str
    state: msgspec.Raw


@cache
def _event_state_type(cls: type[Any]) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {
        f.name: hints[f.name]
        for f in dataclasses.fields(cls)
        if f.name not in ("originator_id", "originator_version")
    }
    return _partial_typed_dict(f"{cls.__qualname__}State", fields)


@cache
def _event_decoder(cls: type[Any]) -> msgspec.json.Decoder[Any]:
    """One decoder per event class, made once: decoding a log is mostly this call."""
    return msgspec.json.Decoder(_event_state_type(cls))  # type: ignore[arg-type]


@cache
def _aggregate_state_type(cls: type[Any]) -> Any:
    hints = {
        name: hint
        for name, hint in typing.get_type_hints(cls).items()
        if typing.get_origin(hint) is not ClassVar and hint not in (ClassVar, TypeAlias)
    }
    fields: dict[str, Any] = dict.fromkeys(_BASE_STATE, datetime)
    fields.update({name: hint for name, hint in hints.items() if not name.isupper()})
    return _partial_typed_dict(f"{cls.__qualname__}Snapshot", fields)


def _partial_typed_dict(name: str, fields: dict[str, Any]) -> Any:
    """A TypedDict msgspec can decode against; keys may be missing until upcast."""
    return TypedDict(name, fields, total=False)  # type: ignore[operator]


class MsgspecMapper(Mapper[UUID]):
    """A mapper that skips the transcoder: msgspec encodes and decodes the whole event.

    Personal fields (`domain.personal`) and snapshots of aggregates with an owner are
    sealed under the owner's key (`wiring.sealing`) once `keys` is set (the wiring sets
    it; without it they are stored as they are). The library's compressor and cipher,
    when configured, still apply to the bytes.
    """

    keys: PersonalKeys | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        if self.keys is not None:
            state = sealed(self.keys, domain_event, state, f"{originator_id}/{originator_version}")
        data = _encoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        data = stored_event.state
        try:
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            place = f"{stored_event.originator_id}/{stored_event.originator_version}"
            state = _decode(cls, data, self.keys, place)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError, KeyError) as e:
            msg = (
                f"Failed to decode stored event {stored_event.topic} of "
                f"{stored_event.originator_id} at version {stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        originator_id = stored_event.originator_id
        state["originator_id"] = (
            originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        )
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


def _decode(cls: type[Any], data: bytes, keys: PersonalKeys | None, place: str) -> dict[str, Any]:
    if issubclass(cls, CanSnapshotAggregate):
        envelope = msgspec.json.decode(data, type=_SnapshotEnvelope)
        aggregate_cls = resolve_topic(envelope.topic)
        raw_state = bytes(envelope.state)
        if raw_state.startswith(SEALED_PREFIX):
            raw_state = opened(keys, f"{place}/state", msgspec.json.decode(raw_state))
        state = _decode_shape(raw_state, _aggregate_state_type(aggregate_cls), aggregate_cls)
        version = getattr(aggregate_cls, "class_version", 1)
        if version > 1:
            state["class_version"] = version  # upcast already: the snapshot must not do it again
        return {"timestamp": envelope.timestamp, "topic": envelope.topic, "state": state}
    paths = personal_fields(cls)
    if paths:
        raw: dict[str, Any] = msgspec.json.decode(data)
        stored = raw.get("class_version", 1)
        raw = mapped(raw, paths, lambda at, v: opened(keys, f"{place}/{at}", v, text=True))
        fields = _upcast(raw, _event_state_type(cls), cls)  # type: ignore[arg-type]
        if stored < cls.sealed_from:
            fields["_plain"] = True
        return fields
    if getattr(cls, "class_version", 1) == 1:
        typed: dict[str, Any] = _event_decoder(cls).decode(data)  # type: ignore[arg-type]
        return typed
    return _decode_shape(data, _event_state_type(cls), cls)  # type: ignore[arg-type]


def _decode_shape(data: bytes, shape: Any, owner: type[Any]) -> dict[str, Any]:
    """Decodes straight into the current types, unless the class has changed shape:
    then the stored fields are read untyped, upcast (renamed, retyped, added), and
    only then converted, so no old field is lost before its upcaster sees it."""
    if getattr(owner, "class_version", 1) == 1:
        return dict(msgspec.json.decode(data, type=shape))
    return _upcast(msgspec.json.decode(data), shape, owner)


def _upcast(raw: dict[str, Any], shape: Any, owner: type[Any]) -> dict[str, Any]:
    current = getattr(owner, "class_version", 1)
    stored = raw.pop("class_version", 1)
    while stored < current:
        getattr(owner, f"upcast_v{stored}_v{stored + 1}")(raw)
        stored += 1
    return dict(msgspec.convert(raw, type=shape))
