"""`GET /v1/mail/quarantine` and `GET /v1/mail/quarantine/{id}/raw` (admins): inbound mail
that could not become a ticket or a reply, with the reason, and the message itself as it
was received, so nothing accepted is ever silently dropped. The id is the SHA-256 of the
raw message, as the listener's `250` answer names it."""

from __future__ import annotations

import re

from litestar import Response, get
from litestar.params import FromPath

from domain.errors import NotFound
from domain.values import Role
from workers.mail_store import InboundState, QuarantineQuery, quarantine, raw_of

from .auth import allow
from .deps import ServicesDep
from .openapi import problems
from .params import LIMIT_DEFAULT, Cursor, Limit
from .read_schemas import QuarantinedMail, QuarantineList, typed

_DIGEST = re.compile(r"[0-9a-f]{64}")


@get(
    "/v1/mail/quarantine",
    operation_id="mailQuarantine",
    guards=[allow(Role.ADMIN)],
    tags=["mail"],
    sync_to_thread=True,
    responses=problems(),
)
def mail_quarantine(
    services: ServicesDep, limit: Limit = LIMIT_DEFAULT, cursor: Cursor = None
) -> QuarantineList:
    """Quarantined inbound mail, oldest first: when it came, its size, and why it could
    not become a ticket."""
    items, next_cursor = quarantine(services.views, QuarantineQuery(limit, cursor))
    return QuarantineList(items=typed(items, QuarantinedMail), next_cursor=next_cursor)


@get(
    "/v1/mail/quarantine/{mail_id:str}/raw",
    operation_id="mailQuarantineRaw",
    guards=[allow(Role.ADMIN)],
    tags=["mail"],
    sync_to_thread=True,
    responses=problems(404),
    media_type="application/octet-stream",
)
def mail_quarantine_raw(services: ServicesDep, mail_id: FromPath[str]) -> Response[bytes]:
    """The quarantined message, byte for byte, to download (never rendered; served as
    octets, which generated clients read as a file, with an `.eml` name)."""
    raw = (
        raw_of(services.views, mail_id, InboundState.QUARANTINED)
        if _DIGEST.fullmatch(mail_id)
        else None
    )
    if raw is None:
        raise NotFound(f"no quarantined mail {mail_id}")
    return Response(
        raw,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{mail_id}.eml"',
            "X-Content-Type-Options": "nosniff",
        },
    )
