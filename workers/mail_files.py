"""An inbound message's files into the blob store, as the attachments its reply carries:
at most ATTACHMENTS_PER_MESSAGE, each within the store's byte limit; a file past either
is skipped and logged (the message itself is still settled), never an error.

Each attachment's id is derived from the message's digest and the file's place in it, so
a message tried again after a crash names the same attachments."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID, uuid5

from domain.attachments import ATTACHMENTS_PER_MESSAGE, clean_filename, clean_media_type
from domain.values import Attachment

from .mail_parse import MailFile

_log = logging.getLogger("ticketing.mail_in")
_NAMESPACE = UUID("5b0f4e0e-8a3c-4d2e-9b61-7c0a9e3f1d24")


class Spooled(Protocol):
    size: int

    @property
    def sha256(self) -> str: ...

    def write(self, chunk: bytes) -> None:
        """Raises ValueError past the store's limit."""

    def close(self) -> None: ...


S = TypeVar("S", bound=Spooled)


class BlobSink(Protocol[S]):
    """The blob store, as the worker writes to it (`wiring.blobs.BlobStore`)."""

    def spool(self) -> S: ...

    def keep(self, spool: S) -> None: ...


def stored(blobs: BlobSink[Any] | None, sha: str, files: Sequence[MailFile]) -> list[Attachment]:
    """The files kept, as attachments; none without a blob store."""
    if blobs is None or not files:
        return []
    if len(files) > ATTACHMENTS_PER_MESSAGE:
        _log.warning(
            "mail %s: %d files, only the first %d kept",
            sha,
            len(files),
            ATTACHMENTS_PER_MESSAGE,
        )
    kept = []
    for ordinal, file in enumerate(files[:ATTACHMENTS_PER_MESSAGE]):
        spool = blobs.spool()
        try:
            spool.write(file.data)
            blobs.keep(spool)
        except ValueError as e:  # too large: this file is skipped, the message is not
            _log.warning("mail %s: file %d skipped: %s", sha, ordinal, e)
            continue
        finally:
            spool.close()
        kept.append(
            Attachment(
                uuid5(_NAMESPACE, f"{sha}:{ordinal}"),
                spool.sha256,
                clean_filename(file.filename),
                clean_media_type(file.content_type),
                spool.size,
            )
        )
    return kept
