"""Attachments: what an uploaded file may be called and typed, which uploads a message may
carry, and the one encoder of a filename for a `Content-Disposition` header (HTTP's, RFC
6266, and a mail part's, RFC 2183/2231, take the same form)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote
from uuid import UUID

from .errors import InvalidInput
from .values import Actor, Attachment, Upload

FILENAME_MAX = 255
"""Characters, as most file systems allow."""
ATTACHMENTS_PER_MESSAGE = 20
DEFAULT_NAME = "attachment"
DEFAULT_TYPE = "application/octet-stream"

_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\u200b-\u200f]")
_FALLBACK_KEEP = re.compile(r"[^A-Za-z0-9!#$&+.^_`|~ -]")


def clean_filename(raw: str | None) -> str:
    """The name a file is shown and sent under: its last path component (a client may send
    `C:\\Users\\x\\a.png` or `../../etc/passwd`), without control or invisible characters,
    never `.` or `..`, at most FILENAME_MAX characters; `attachment` when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name).strip().strip(".")
    if len(name) > FILENAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = FILENAME_MAX - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and 0 < len(extension) < 16 else name
        name = name[:FILENAME_MAX]
    return name or DEFAULT_NAME


def clean_media_type(raw: str | None) -> str:
    """A `type/subtype` as the client declared it (lower-cased, without parameters);
    anything else is sent as `application/octet-stream`."""
    declared = (raw or "").split(";", 1)[0].strip().lower()
    return declared if _MEDIA_TYPE.match(declared) else DEFAULT_TYPE


def content_disposition(filename: str) -> str:
    """`attachment; filename*=UTF-8''...; filename="..."`: the extended form carries the
    whole name percent-encoded, the ASCII fallback keeps only characters that need no
    quoting (others become `_`), so neither quotes, backslashes, path separators, CR, LF
    nor any other control character can reach the header. The extended form comes first:
    readers of RFC 6266 prefer it wherever it stands, and mail readers (RFC 2231, Python's
    `email` among them) take the first `filename` parameter they find."""
    name = clean_filename(filename)
    fallback = _FALLBACK_KEEP.sub("_", unicodedata.normalize("NFKD", name)).strip() or "_"
    extended = quote(name, safe="!#$&+-.^_`|~", encoding="utf-8", errors="strict")
    return f"attachment; filename*=UTF-8''{extended}; filename=\"{fallback}\""


def take_uploads(
    uploads: Sequence[Upload], attachment_ids: Sequence[UUID], actor: Actor
) -> tuple[Attachment, ...]:
    """The attachments a message names: each uploaded to this ticket by the author, not
    yet on another message, named once."""
    if len(attachment_ids) > ATTACHMENTS_PER_MESSAGE:
        raise InvalidInput(
            "attachment_ids", f"a message carries at most {ATTACHMENTS_PER_MESSAGE} attachments"
        )
    if len(set(attachment_ids)) != len(attachment_ids):
        raise InvalidInput("attachment_ids", "an attachment is named twice")
    mine = {u.attachment.id: u.attachment for u in uploads if u.uploader_id == actor.id}
    taken = []
    for attachment_id in attachment_ids:
        attachment = mine.get(attachment_id)
        if attachment is None:
            raise InvalidInput(
                "attachment_ids",
                f"no attachment {attachment_id} uploaded by you to this ticket and not yet sent",
            )
        taken.append(attachment)
    return tuple(taken)


def without(uploads: tuple[Upload, ...], sent: Sequence[Attachment]) -> tuple[Upload, ...]:
    ids = {a.id for a in sent}
    return tuple(u for u in uploads if u.attachment.id not in ids)
