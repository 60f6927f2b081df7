"""A message's attachment, downloaded under the console's session: for exactly whoever the
API would serve it to (a note's file is not the customer's: 404), and never run as a page."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from litestar import get
from litestar.params import FromPath
from litestar.response import Stream

from domain.attachments import content_disposition
from domain.errors import NotFound
from domain.values import TICKET_READERS, Attachment
from wiring.uploads import DOWNLOAD_HEADERS

from .desk import Console, ConsoleDep, SessionDep, need
from .reading import in_thread
from .sessions import Session


@get("/console/attachments/{attachment_id:uuid}", include_in_schema=False)
async def download(
    console: ConsoleDep, session: SessionDep, attachment_id: FromPath[UUID]
) -> Stream:
    """The file's bytes, as a download (`Content-Disposition: attachment`, `nosniff`,
    a sandboxing policy)."""
    need(session, TICKET_READERS)
    attachment, chunks = await in_thread(lambda: _found(console, session, attachment_id))
    return Stream(
        chunks,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size),
            **DOWNLOAD_HEADERS,
        },
    )


def _found(
    console: Console, session: Session, attachment_id: UUID
) -> tuple[Attachment, Iterator[bytes]]:
    attachment = console.services.helpdesk.attachment(attachment_id, session.actor)
    try:
        return attachment, console.services.blobs.chunks(attachment.sha256)
    except KeyError:
        raise NotFound("the file's bytes are gone") from None
