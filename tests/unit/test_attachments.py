"""Attachments in the domain: which uploads a message may carry, old replies and snapshots
read in the new shape with their digests intact, and the one filename encoder for
`Content-Disposition`, over arbitrary Unicode."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any
from urllib.parse import unquote
from uuid import uuid4

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from domain.attachments import (
    FILENAME_MAX,
    clean_filename,
    clean_media_type,
    content_disposition,
)
from domain.errors import InvalidInput
from domain.ticket import Ticket
from domain.values import Attachment
from tests.builders import AGENT, CUSTOMER, later, new_events, opened_ticket, origin
from wiring.encoding import MsgspecMapper

_DISPOSITION = re.compile(r"^attachment; filename\*=UTF-8''([!-~]*?); filename=\"([^\"\\]*)\"$")


def _file(name: str = "toner.png") -> Attachment:
    return Attachment(uuid4(), "ab" * 32, name, "image/png", 2048)


def _restated(stored: StoredEvent, state: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )


@pytest.fixture
def mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=None)  # type: ignore[arg-type]


def test_a_reply_carries_the_authors_uploads_and_uses_them_up() -> None:
    ticket = opened_ticket()
    photo = _file()
    ticket.upload([photo], origin(CUSTOMER, later(1)))
    ticket.reply(uuid4(), "Here it is.", origin(CUSTOMER, later(2)), [photo.id])

    uploaded, replied = new_events(ticket)
    assert isinstance(uploaded, Ticket.AttachmentUploaded)
    assert isinstance(replied, Ticket.Replied)
    assert replied.attachments == (photo,)
    assert ticket.messages[-1].attachments == (photo,)
    assert ticket.uploads == ()


@pytest.mark.parametrize("case", ["unknown", "another uploader", "named twice", "used already"])
def test_a_message_refuses_an_attachment_not_the_authors_to_send(case: str) -> None:
    ticket = opened_ticket()
    photo = _file()
    ticket.upload([photo], origin(AGENT, later(1)))
    ids = {"unknown": [uuid4()], "named twice": [photo.id, photo.id]}.get(case, [photo.id])
    author = CUSTOMER if case == "another uploader" else AGENT
    if case == "used already":
        ticket.add_note(uuid4(), "The photo.", origin(AGENT, later(2)), [photo.id])
    new_events(ticket)

    with pytest.raises(InvalidInput) as refusal:
        ticket.reply(uuid4(), "See attached.", origin(author, later(3)), ids)
    assert refusal.value.field == "attachment_ids"
    assert new_events(ticket) == []


def test_a_reply_stored_before_attachments_reads_with_none_and_keeps_its_digest(
    mapper: MsgspecMapper,
) -> None:
    ticket = opened_ticket()
    ticket.reply(uuid4(), "Which model?", origin(AGENT, later(1)))
    (event,) = new_events(ticket)
    stored = mapper.to_stored_event(event)
    state = json.loads(stored.state)
    # The reply as version 1 stored it: no attachments, no class version.
    del state["attachments"], state["class_version"]
    read = mapper.to_domain_event(_restated(stored, state))
    assert read.attachments == ()
    # It was chained before personal fields were sealed: its digest covers the text.
    recorded = dataclasses.replace(event)
    vars(recorded)["_plain"] = True
    assert read.digest() == recorded.digest() != event.digest()


def test_a_ticket_snapshot_taken_before_uploads_existed_reads_with_none(
    mapper: MsgspecMapper,
) -> None:
    ticket = opened_ticket()
    stored = mapper.to_stored_event(Snapshot.take(ticket))
    envelope = json.loads(stored.state)
    del envelope["state"]["uploads"], envelope["state"]["class_version"]
    for message in envelope["state"]["messages"]:
        del message["attachments"]
    restored = mapper.to_domain_event(_restated(stored, envelope)).mutate(None)
    assert isinstance(restored, Ticket)
    assert restored.uploads == ()
    assert restored.messages == ticket.messages
    assert restored.messages[0].attachments == ()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\eve\\report.pdf", "report.pdf"),
        ("evil\r\nX-Injected: 1.txt", "evilX-Injected: 1.txt"),
        ('quote".png', 'quote".png'),
        ("..", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("\u202ecod.exe", "\u202ecod.exe"),
    ],
)
def test_a_filename_is_its_last_component_without_control_characters(
    raw: str | None, clean: str
) -> None:
    assert clean_filename(raw) == clean


def test_a_long_filename_keeps_its_extension() -> None:
    name = clean_filename("a" * 1000 + ".pdf")
    assert len(name) == FILENAME_MAX
    assert name.endswith(".pdf")


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("image/PNG", "image/png"),
        ("text/plain; charset=utf-8", "text/plain"),
        ("text/html\r\nX: y", "application/octet-stream"),
        (None, "application/octet-stream"),
        ("nonsense", "application/octet-stream"),
    ],
)
def test_a_media_type_is_kept_only_when_well_formed(declared: str | None, kept: str) -> None:
    assert clean_media_type(declared) == kept


@given(st.text())
def test_a_content_disposition_is_one_safe_ascii_line_that_names_the_file(raw: str) -> None:
    header = content_disposition(raw)
    match = _DISPOSITION.match(header)
    assert match is not None, header
    extended, fallback = match.groups()
    assert header.isascii()
    assert not any(c in header for c in "\r\n\x00")
    assert all(0x20 <= ord(c) < 0x7F for c in header)
    assert "/" not in fallback
    assert "\\" not in fallback
    assert fallback not in ("", ".", "..")
    assert unquote(extended, errors="strict") == clean_filename(raw)
    assert "/" not in unquote(extended)
