"""Reading a multipart upload from an API request: its `file` parts, through the one
streaming reader (wiring/uploads.py), which the console's forms use too."""

from __future__ import annotations

from wiring.blobs import BlobStore
from wiring.uploads import Body, Received
from wiring.uploads import receive as receive_body

from .ticket_commands import Caller


async def receive(request: Caller, blobs: BlobStore) -> list[Received]:
    """The uploaded files, spooled; the caller closes their spools."""
    body = Body(
        request.stream(),
        request.headers.get("content-type", ""),
        request.headers.get("content-length", ""),
    )
    return await receive_body(body, blobs, request.app.state.services.settings.attachment_max_bytes)
