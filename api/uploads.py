"""Reading a multipart upload as it streams in: each `file` part into a spool of the blob
store, refused (413) the moment one passes the limit, or before reading anything when the
announced length cannot fit; the body is never held in memory whole."""

from __future__ import annotations

from dataclasses import dataclass

from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from domain.attachments import ATTACHMENTS_PER_MESSAGE
from domain.errors import InvalidInput
from wiring.blobs import BlobStore, Spool, TooLarge

from .ticket_commands import Caller

FILES_PER_UPLOAD = ATTACHMENTS_PER_MESSAGE
PART_OVERHEAD = 16 * 1024
"""Room per part for its boundary and headers, when judging an announced length."""


@dataclass
class Received:
    filename: str | None
    content_type: str | None
    spool: Spool


async def receive(request: Caller, blobs: BlobStore) -> list[Received]:
    """The uploaded files, spooled; the caller closes their spools."""
    boundary = _boundary(request.headers.get("content-type", ""))
    limit = request.app.state.services.settings.attachment_max_bytes
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > FILES_PER_UPLOAD * (limit + PART_OVERHEAD):
        raise TooLarge(f"an upload may carry {FILES_PER_UPLOAD} files of {limit} bytes at most")
    received: list[Received] = []
    current: Received | None = None
    try:
        with PushMultipartParser(
            boundary, max_segment_count=FILES_PER_UPLOAD, strict=True
        ) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        current = Received(_file_part(event), event.content_type, blobs.spool())
                        received.append(current)
                    elif event and current is not None:
                        current.spool.write(event)
    except MultipartError as e:
        _close(received)
        raise InvalidInput("file", f"the multipart body is malformed: {e}") from None
    except BaseException:
        _close(received)
        raise
    if not received:
        raise InvalidInput("file", "send one or more `file` parts")
    return received


def _boundary(content_type: str) -> str:
    kind, options = parse_options_header(content_type)
    boundary = options.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise InvalidInput("file", "send the files as multipart/form-data, in `file` parts")
    return str(boundary)


def _file_part(segment: MultipartSegment) -> str | None:
    if segment.name != "file" or segment.filename is None:
        raise InvalidInput(
            segment.name or "file", "only `file` parts, each with a filename, are taken"
        )
    return str(segment.filename)


def _close(received: list[Received]) -> None:
    for item in received:
        item.spool.close()
