"""A public reply's attachments go out with its mail, through a real SMTP server on
loopback, on both stores; a note's never leave the desk."""

from __future__ import annotations

import hashlib
from uuid import UUID, uuid4

import pytest

from domain.attachments import clean_filename, clean_media_type
from domain.values import Actor, Attachment
from wiring.services import Services

from .worker_helpers import SUPERVISOR, Desk, MailServer, said

REPORT = b"%PDF-1.4 the whole error log\n" * 500


@pytest.fixture
def customer(desk: Desk) -> Actor:
    return desk.customer()


def stored(services: Services, name: str, data: bytes, media_type: str) -> Attachment:
    """The file's bytes kept in the blob store, as an upload keeps them."""
    spool = services.blobs.spool()
    try:
        spool.write(data)
        services.blobs.keep(spool)
    finally:
        spool.close()
    return Attachment(
        uuid4(), spool.sha256, clean_filename(name), clean_media_type(media_type), spool.size
    )


def attach(desk: Desk, ticket_id: UUID, *files: Attachment) -> list[UUID]:
    desk.helpdesk.upload(ticket_id, files, said(SUPERVISOR, desk.clock))
    return [f.id for f in files]


def test_a_reply_is_mailed_with_its_attachments_and_a_note_with_none(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
) -> None:
    ticket_id = desk.open_ticket(customer, support)
    # The agent notes an internal file, then replies with a public one.
    internal = stored(desk.services, "internal.txt", b"secret", "text/plain")
    public = stored(desk.services, "../Fehlerbericht \u00fc\r\n.pdf", REPORT, "application/pdf")
    note_ids = attach(desk, ticket_id, internal)
    desk.helpdesk.add_note(ticket_id, "Our logs.", said(SUPERVISOR, desk.clock), note_ids)
    reply_ids = attach(desk, ticket_id, public)
    desk.helpdesk.reply(ticket_id, "See the report.", said(SUPERVISOR, desk.clock), reply_ids)

    desk.notify()

    (mail,) = smtp.to(desk.email_of(customer.id))
    files = [p for p in mail.iter_attachments()]
    assert [p.get_filename() for p in files] == ["Fehlerbericht \u00fc.pdf"]
    (part,) = files
    assert part.get_content_type() == "application/pdf"
    data = part.get_content()
    assert data == REPORT
    assert hashlib.sha256(data).hexdigest() == public.sha256
    assert "secret" not in mail.as_string()
    assert mail.get_body(("plain",)) is not None


def test_a_reply_whose_file_is_gone_is_set_aside_not_sent_without_it(
    desk: Desk, smtp: MailServer, support: UUID, customer: Actor
) -> None:
    ticket_id = desk.open_ticket(customer, support)
    missing = Attachment(uuid4(), "0" * 64, "gone.txt", "text/plain", 3)
    desk.helpdesk.reply(
        ticket_id, "See the file.", said(SUPERVISOR, desk.clock), attach(desk, ticket_id, missing)
    )

    desk.notify()

    assert smtp.to(desk.email_of(customer.id)) == []
