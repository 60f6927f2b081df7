"""The files a mail carries: a reply's public attachments (a note never makes mail, so its
files never leave the desk), kept beside the outbox row while the mail waits, and enclosed
from the blob store when it is written for the wire, each named by the one
`Content-Disposition` encoder."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from domain.attachments import content_disposition
from domain.ticket import Ticket
from domain.values import Attachment
from projections.sql_session import SqlSession
from projections.view_store import ViewStore

if TYPE_CHECKING:
    from .mail import Mail

_TABLE = (
    "CREATE TABLE IF NOT EXISTS mail_outbox_attachments ("
    " message_id TEXT NOT NULL, ordinal INTEGER NOT NULL, attachment TEXT NOT NULL,"
    " PRIMARY KEY (message_id, ordinal))"
)
ALTERNATIVE_PART = ("Content-Type", "MIME-Version")
FILE_PART = ("Content-Type", "MIME-Version", "Content-Transfer-Encoding", "Content-Disposition")


class BlobSource(Protocol):
    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The bytes stored under the digest; KeyError when there are none."""


def carried(mails: list[Mail], event: Any) -> list[Mail]:
    """The mails of a public reply carry its attachments."""
    if not isinstance(event, Ticket.Replied) or not event.attachments:
        return mails
    return [replace(m, attachments=tuple(event.attachments)) for m in mails]


def install(c: SqlSession) -> None:
    c.execute(_TABLE)


def add(c: SqlSession, mails: Sequence[Mail]) -> None:
    """In the outbox's transaction: the attachments of each mail queued."""
    c.executemany(
        "INSERT INTO mail_outbox_attachments (message_id, ordinal, attachment)"
        " VALUES (?, ?, ?) ON CONFLICT (message_id, ordinal) DO NOTHING",
        [
            (m.message_id, n, json.dumps(_plain(a)))
            for m in mails
            for n, a in enumerate(m.attachments)
        ],
    )


def erase(c: SqlSession, ticket_ids: Sequence[str]) -> None:
    """The files listed on erased tickets' mail (their names are the customer's)."""
    if ticket_ids:
        marks = ", ".join("?" for _ in ticket_ids)
        c.execute(
            "DELETE FROM mail_outbox_attachments WHERE message_id IN"  # noqa: S608
            f" (SELECT message_id FROM mail_outbox WHERE ticket_id IN ({marks}))",
            tuple(ticket_ids),
        )


def loaded(views: ViewStore, mails: list[Mail]) -> list[Mail]:
    """The mails with the attachments kept for them."""
    ids = [m.message_id for m in mails]
    if not ids:
        return mails
    placeholders = ", ".join("?" * len(ids))  # only placeholders: the ids are parameters
    with views.read() as c:
        rows = c.execute(
            "SELECT message_id, attachment FROM mail_outbox_attachments"  # noqa: S608
            f" WHERE message_id IN ({placeholders}) ORDER BY message_id, ordinal",
            ids,
        ).fetchall()
    found: dict[str, list[Attachment]] = {}
    for message_id, text in rows:
        found.setdefault(message_id, []).append(_attachment(json.loads(text)))
    return [replace(m, attachments=tuple(found.get(m.message_id, ()))) for m in mails]


def enclose(alternative: MIMEMultipart, mail: Mail, blobs: BlobSource | None) -> MIMEMultipart:
    """The text and HTML alone, or with the files in a `multipart/mixed` around them.
    A file whose bytes are gone raises KeyError: the mail cannot be written as meant."""
    if not mail.attachments:
        return alternative
    if blobs is None:
        raise KeyError("no blob store to read the attachments from")
    mixed = MIMEMultipart("mixed")
    mixed.attach(alternative)
    for attachment in mail.attachments:
        mixed.attach(_part(attachment, b"".join(blobs.chunks(attachment.sha256))))
    return mixed


def part_headers(mail: Mail, text_part: Iterable[str]) -> list[list[str]]:
    """The headers each top-level part must carry, for the wire's last check."""
    if not mail.attachments:
        return [sorted(text_part), sorted(text_part)]
    return [sorted(ALTERNATIVE_PART), *(sorted(FILE_PART) for _ in mail.attachments)]


def _part(attachment: Attachment, data: bytes) -> MIMEBase:
    maintype, _, subtype = attachment.content_type.partition("/")
    part = MIMENonMultipart(maintype, subtype)
    part.set_payload(data)
    encoders.encode_base64(part)
    part["Content-Disposition"] = content_disposition(attachment.filename)
    return part


def _plain(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": str(attachment.id),
        "sha256": attachment.sha256,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def _attachment(data: dict[str, Any]) -> Attachment:
    return Attachment(
        UUID(data["id"]), data["sha256"], data["filename"], data["content_type"], data["size"]
    )
