"""Mail in with files, on each real store: a customer's reply with a PDF lands on the
ticket with the PDF downloadable (the same SHA-256) by the customer and by staff; a new
ticket's files follow on the customer's second message; a file over the byte limit, and
the files past the twentieth, are skipped while the message is kept; names with `../` and
control characters are cleaned; a message tried again names the same attachments once."""

from __future__ import annotations

import email
import email.policy
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from uuid import UUID

import pytest

from domain.mail_commands import FILES_OF_THE_FIRST_MESSAGE
from domain.ticket import Ticket
from domain.values import Actor, Attachment, Role
from wiring.config import Settings
from workers import mail_store

from ..conftest import FakeClock
from .mail_helpers import MailDesk, fixture, message
from .worker_helpers import SUPERVISOR, Desk, MailServer, opened

LIMIT = 64 * 1024
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def desk(settings: Settings, clock: FakeClock, smtp: MailServer) -> Iterator[Desk]:
    with opened(replace(settings, smtp_url=smtp.url, attachment_max_bytes=LIMIT), clock) as s:
        yield Desk(s, clock)


@pytest.fixture
def mail(desk: Desk, smtp: MailServer) -> MailDesk:
    desk.department("IT Support")
    return MailDesk(desk, smtp)


def with_files(raw: bytes, *files: tuple[str, str, bytes]) -> bytes:
    """The message with the files attached, as a mail client attaches them."""
    mail = EmailMessage()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    for name, value in parsed.items():
        if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
            mail[name] = value
    body = parsed.get_body(("plain",))
    assert body is not None
    mail.set_content(str(body.get_content()))
    for filename, media_type, data in files:
        maintype, subtype = media_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(mail)


def downloaded(desk: Desk, attachment: Attachment, actor: Actor) -> bytes:
    """The file as the API serves it: the application's read, then the blob store."""
    found = desk.helpdesk.attachment(attachment.id, actor)
    return b"".join(desk.services.blobs.chunks(found.sha256))


def customer(ticket: Ticket) -> Actor:
    assert ticket.customer_id is not None
    return Actor(ticket.customer_id, Role.CUSTOMER)


def opened_ticket(mail: MailDesk) -> tuple[UUID, EmailMessage]:
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    (ack,) = mail.mails("ada@customer.example")
    return ticket_id, ack


def answer(ack: EmailMessage, message_id: str, *files: tuple[str, str, bytes]) -> bytes:
    raw = message(
        "Ada Lovelace <ada@customer.example>",
        f"Re: {ack['Subject']}",
        "The invoice is attached.",
        message_id,
        answering=ack,
    )
    return with_files(raw, *files)


def test_a_reply_with_a_pdf_lands_on_the_ticket_downloadable_by_customer_and_staff(
    mail: MailDesk,
):
    desk = mail.desk
    ticket_id, ack = opened_ticket(mail)
    sha = mail.deliver(
        answer(ack, "<pdf-1@customer.example>", ("invoice.pdf", "application/pdf", PDF))
    )

    assert mail.ticket_of(sha) == ticket_id
    ticket = desk.ticket(ticket_id)
    last = ticket.messages[-1]
    assert last.body == "The invoice is attached."
    (pdf,) = last.attachments
    assert (pdf.filename, pdf.content_type, pdf.size) == (
        "invoice.pdf",
        "application/pdf",
        len(PDF),
    )
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    for actor in (customer(ticket), SUPERVISOR):
        assert hashlib.sha256(downloaded(desk, pdf, actor)).hexdigest() == pdf.sha256
    assert ticket.uploads == ()


def test_a_new_ticket_by_mail_carries_its_files_on_the_customers_second_message(
    mail: MailDesk,
):
    desk = mail.desk
    raw = with_files(
        fixture("new_request.eml"),
        ("../../etc/pass\x07wd", "image/png", b"\x89PNG not really"),
        ("smoke.pdf", "application/pdf", PDF),
    )
    ticket_id = mail.ticket_of(mail.deliver(raw))

    ticket = desk.ticket(ticket_id)
    first, files = ticket.messages
    assert first.body.startswith("The printer on floor 3 is smoking.")
    assert (files.body, files.author_id) == (FILES_OF_THE_FIRST_MESSAGE, ticket.customer_id)
    assert [(a.filename, a.content_type) for a in files.attachments] == [
        ("passwd", "image/png"),
        ("smoke.pdf", "application/pdf"),
    ]
    pdf = files.attachments[1]
    for actor in (customer(ticket), SUPERVISOR):
        assert downloaded(desk, pdf, actor) == PDF
    assert len(mail.received(ticket_id)) == 1


def test_a_file_over_the_limit_and_files_past_the_twentieth_are_skipped_the_message_kept(
    mail: MailDesk,
):
    desk = mail.desk
    ticket_id, ack = opened_ticket(mail)
    big = ("huge.bin", "application/octet-stream", b"x" * (LIMIT + 1))
    many = [(f"f{i:02}.txt", "text/plain", f"file {i}".encode()) for i in range(21)]
    sha = mail.deliver(answer(ack, "<big-1@customer.example>", big, *many))

    assert mail.outcome(sha)[0] == "done"
    last = desk.ticket(ticket_id).messages[-1]
    assert last.body == "The invoice is attached."
    # The big one is one of the first twenty and skipped; of the rest, the first nineteen.
    assert [a.filename for a in last.attachments] == [f"f{i:02}.txt" for i in range(19)]
    uploaded = [e for e in desk.events(ticket_id) if isinstance(e, Ticket.AttachmentUploaded)]
    assert len(uploaded) == 19


def test_a_message_with_files_tried_again_is_one_reply_with_the_same_attachments(
    mail: MailDesk,
):
    desk = mail.desk
    ticket_id, ack = opened_ticket(mail)
    raw = answer(ack, "<again-1@customer.example>", ("invoice.pdf", "application/pdf", PDF))
    sha = mail.deliver(raw)
    before = desk.ticket(ticket_id)
    with desk.services.views.write() as c:  # as if the worker died before settling it
        c.execute("UPDATE mail_inbound SET state = 'stored' WHERE sha256 = ?", (sha,))
    mail.settle()

    after = desk.ticket(ticket_id)
    assert mail.outcome(sha)[0] == "done"
    assert len(after.messages) == len(before.messages)
    assert after.messages[-1].attachments == before.messages[-1].attachments
    assert mail_store.waiting(desk.services.views) == []
