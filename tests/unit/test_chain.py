"""The hash chain: each ticket event names the digest of the one before it."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from enum import Enum
from itertools import pairwise
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import chain
from domain.personal import personal_fields
from domain.ticket import Ticket
from tests.builders import full_story, replay

STORY = full_story()
FIELDS = [
    (event, name)
    for event in STORY
    for name in vars(event)
    if name not in personal_fields(type(event))
]
TEXTS = [
    (event, name) for event in STORY for name in personal_fields(type(event)) if "." not in name
]


def _different(value: Any) -> Any:
    """Another value of the same kind (an id where there was none)."""
    if value is None or isinstance(value, UUID):
        return uuid4()
    if isinstance(value, Enum):
        return next(member for member in type(value) if member is not value)
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "!"
    if isinstance(value, tuple):
        return value[:-1] if value else (uuid4(),)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        first = dataclasses.fields(value)[0].name
        return dataclasses.replace(value, **{first: _different(getattr(value, first))})
    raise TypeError(f"no different value for {value!r}")


def test_the_story_records_every_kind_of_ticket_event() -> None:
    kinds = {v for v in vars(Ticket).values() if isinstance(v, type) and v is not Ticket.Event}
    assert {type(e) for e in STORY} == kinds


def test_the_first_event_links_to_genesis() -> None:
    assert STORY[0].prev_hash == chain.GENESIS


def test_each_event_links_to_the_digest_of_the_one_before() -> None:
    for before, after in pairwise(STORY):
        assert after.prev_hash == before.digest()


def test_the_head_hash_is_the_digest_of_the_last_event() -> None:
    assert replay(STORY).head_hash == STORY[-1].digest()
    for length in range(1, len(STORY)):
        assert replay(STORY[:length]).head_hash == STORY[length - 1].digest()


def test_a_digest_is_a_sha256_in_hex() -> None:
    for event in STORY:
        assert len(event.digest()) == 64
        assert set(event.digest()) <= set("0123456789abcdef")


@pytest.mark.parametrize(
    ("event", "name"), FIELDS, ids=[f"{type(e).__name__}.{n}" for e, n in FIELDS]
)
def test_changing_any_field_changes_the_digest(event: Ticket.Event, name: str) -> None:
    edited = dataclasses.replace(event, **{name: _different(getattr(event, name))})
    assert edited.digest() != event.digest()


@pytest.mark.parametrize(
    ("event", "name"), TEXTS, ids=[f"{type(e).__name__}.{n}" for e, n in TEXTS]
)
def test_a_personal_text_is_in_the_digest_by_its_place_only(event: Ticket.Event, name: str) -> None:
    """Erasing it (destroying its key) must leave the chain verifying; the cipher's tag
    and the stored bytes' chain guard the text itself."""
    edited = dataclasses.replace(event, **{name: "[erased]"})
    assert edited.digest() == event.digest()


@pytest.mark.parametrize(
    ("event", "name"), TEXTS, ids=[f"{type(e).__name__}.{n}" for e, n in TEXTS]
)
def test_an_event_stored_before_sealing_keeps_its_text_in_the_digest(
    event: Ticket.Event, name: str
) -> None:
    plain = dataclasses.replace(event)
    vars(plain)["_plain"] = True
    edited = dataclasses.replace(plain, **{name: _different(getattr(event, name))})
    vars(edited)["_plain"] = True
    assert edited.digest() != plain.digest()
    assert plain.digest() != event.digest()


def test_a_note_and_a_reply_with_the_same_fields_have_different_digests() -> None:
    reply = next(e for e in STORY if type(e) is Ticket.Replied)
    note = Ticket.NoteAdded(**vars(reply))
    assert note.digest() != reply.digest()
