"""A message's attachment, downloaded under the console's session: for exactly whoever the
API would serve it to (a note's file is not the customer's: 404), and never run as a page."""

from __future__ import annotations

from uuid import UUID

from litestar import get
from litestar.params import FromPath
from litestar.response import Stream

from domain.values import TICKET_READERS
from wiring import uploads

from .desk import ConsoleDep, SessionDep, need
from .reading import in_thread


@get("/console/attachments/{attachment_id:uuid}", include_in_schema=False)
async def download(
    console: ConsoleDep, session: SessionDep, attachment_id: FromPath[UUID]
) -> Stream:
    """The file's bytes, as a download (`Content-Disposition: attachment`, `nosniff`,
    a sandboxing policy)."""
    need(session, TICKET_READERS)
    file = await in_thread(lambda: uploads.download(console.services, attachment_id, session.actor))
    return Stream(file.chunks, media_type=file.media_type, headers=file.headers)
