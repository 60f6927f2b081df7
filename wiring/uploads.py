"""Reading a multipart upload as it streams in: each file part into a spool of the blob
store, refused (TooLarge) the moment one passes the limit, or before reading anything when
the announced length cannot fit; the body is never held in memory whole. Then storing the
files and recording them on their ticket. The API's upload route and the console's forms
that carry files (reply, note, new ticket) all come through here, so all are held to the same
limits: files by the attachment limit and count, a form's text by FORM_TEXT_MAX."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from uuid import UUID, uuid4

from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from domain.attachments import (
    ATTACHMENTS_PER_MESSAGE,
    clean_filename,
    clean_media_type,
    content_disposition,
)
from domain.errors import InvalidInput, NotFound
from domain.pipeline import Intent, Outcome
from domain.ticket import Ticket
from domain.values import Actor, Attachment

from .blobs import BlobStore, Spool, TooLarge
from .services import Services

FILES_PER_UPLOAD = ATTACHMENTS_PER_MESSAGE
PART_OVERHEAD = 16 * 1024
"""Room per part for its boundary and headers, when judging an announced length."""
FORM_FIELDS = 8
"""Text parts a form may send beside its files (its CSRF token, key, body)."""
FORM_TEXT_MAX = 1024 * 1024
"""Bytes of a form's text parts together: what the API takes as a whole request body where
no files are streamed (api/app.py MAX_BODY), so lifting the body limit for files lifts it
for files alone."""
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}
"""A stored file is never run as a page of this origin, whatever its declared type."""


@dataclass(frozen=True)
class Download:
    """A file as it is served: its type, its bytes, and the headers that make it a
    download (`Content-Disposition: attachment`, `nosniff`, a sandboxing policy)."""

    media_type: str
    chunks: Iterator[bytes]
    headers: dict[str, str]


def download(services: Services, attachment_id: UUID, actor: Actor) -> Download:
    """The file for whoever may read its message (the API's route and the console's
    alike); NotFound otherwise, or when its bytes are gone."""
    attachment = services.helpdesk.attachment(attachment_id, actor)
    try:
        chunks = services.blobs.chunks(attachment.sha256)
    except KeyError:
        raise NotFound("the file's bytes are gone") from None
    headers = {
        "Content-Disposition": content_disposition(attachment.filename),
        "Content-Length": str(attachment.size),
        **DOWNLOAD_HEADERS,
    }
    return Download(attachment.content_type, chunks, headers)


@dataclass
class Received:
    filename: str | None
    content_type: str | None
    spool: Spool


@dataclass(frozen=True)
class Body:
    """A multipart request as it arrives."""

    chunks: AsyncIterator[bytes]
    content_type: str
    content_length: str


async def receive(
    body: Body,
    blobs: BlobStore,
    limit: int,
    fields: dict[str, str] | None = None,
    file_part: str = "file",
) -> list[Received]:
    """The uploaded files, spooled; the caller closes their spools. Without `fields`, only
    `file_part` parts are taken and at least one is needed (the API); with it, a form's text
    parts are collected there too (at most FORM_TEXT_MAX bytes together: TooLarge beyond),
    and a file input left empty (a part with an empty filename) is skipped."""
    boundary = _boundary(body.content_type)
    texts = 0 if fields is None else FORM_FIELDS
    most = FILES_PER_UPLOAD * (limit + PART_OVERHEAD)
    if fields is not None:
        most += FORM_TEXT_MAX + texts * PART_OVERHEAD
    announced = body.content_length
    if announced.isdigit() and int(announced) > most:
        raise TooLarge(f"an upload may carry {FILES_PER_UPLOAD} files of {limit} bytes at most")
    received: list[Received] = []
    current: Received | None = None
    text: list[bytes] | None = None
    text_name = ""
    text_bytes = 0
    try:
        with PushMultipartParser(
            boundary, max_segment_count=FILES_PER_UPLOAD + texts, strict=True
        ) as parser:
            async for chunk in body.chunks:
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        current, text = None, None
                        if fields is not None and event.filename is None:
                            text, text_name = [], event.name
                        elif fields is None or event.filename:
                            name = _file_part(event, file_part)
                            current = Received(name, event.content_type, blobs.spool())
                            received.append(current)
                    elif event is None and text is not None and fields is not None:
                        fields[text_name] = b"".join(text).decode("utf-8", "replace")
                    elif event and current is not None:
                        current.spool.write(event)
                    elif event and text is not None:
                        text_bytes += len(event)
                        if text_bytes > FORM_TEXT_MAX:
                            raise TooLarge(
                                f"a form's text may have at most {FORM_TEXT_MAX} bytes in all"
                            )
                        text.append(event)
    except MultipartError as e:
        close(received)
        raise InvalidInput(file_part, f"the multipart body is malformed: {e}") from None
    except BaseException:
        close(received)
        raise
    if not received and fields is None:
        raise InvalidInput(file_part, f"send one or more `{file_part}` parts")
    return received


def record(
    services: Services, ticket_id: UUID, received: list[Received], intent: Intent, actor: Actor
) -> tuple[Outcome, list[Attachment]]:
    """Stores the bytes, then records the uploads; a retry with the same key and the same
    files answers the first answer (its bytes are stored already: keeping them is a no-op)."""
    attachments = [
        Attachment(
            uuid4(),
            r.spool.sha256,
            clean_filename(r.filename),
            clean_media_type(r.content_type),
            r.spool.size,
        )
        for r in received
    ]
    for r in received:
        services.blobs.keep(r.spool)
    outcome = services.helpdesk.upload(ticket_id, attachments, intent)
    ticket = outcome.aggregate
    if not isinstance(ticket, Ticket):
        ticket = services.helpdesk.ticket(outcome.aggregate_id, actor, outcome.version)
    uploaded = [u.attachment for u in ticket.uploads[len(ticket.uploads) - len(received) :]]
    return outcome, uploaded


def fingerprint(received: list[Received]) -> bytes:
    """What makes two uploads the same upload, for their idempotency key."""
    return b"\n".join(
        f"{r.filename}\0{r.content_type}\0{r.spool.sha256}\0{r.spool.size}".encode()
        for r in received
    )


def _boundary(content_type: str) -> str:
    kind, options = parse_options_header(content_type)
    boundary = options.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise InvalidInput("file", "send the files as multipart/form-data, in `file` parts")
    return str(boundary)


def _file_part(segment: MultipartSegment, file_part: str) -> str | None:
    if segment.name != file_part or segment.filename is None:
        raise InvalidInput(
            segment.name or file_part, f"only `{file_part}` parts, each with a filename, are taken"
        )
    return str(segment.filename)


def close(received: list[Received]) -> None:
    for item in received:
        item.spool.close()
