"""`GET /v1/mail/outbox` (admins): the notifier's outbox, so that mail set aside as failed,
with its reason, is seen rather than silently missing."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from domain.values import Role
from workers.outbox import MailState, OutboxQuery, page

from .auth import allow
from .deps import ServicesDep
from .openapi import problems
from .params import LIMIT_DEFAULT, Cursor, Limit
from .read_schemas import OutboxList, OutboxMail, typed

State = Annotated[MailState | None, QueryParameter(name="state")]
"""Named apart in Python: Litestar reserves a handler argument called `state`."""


@get(
    "/v1/mail/outbox",
    operation_id="mailOutbox",
    guards=[allow(Role.ADMIN)],
    tags=["mail"],
    sync_to_thread=True,
    responses=problems(),
)
def mail_outbox(
    services: ServicesDep,
    mail_state: State = None,
    limit: Limit = LIMIT_DEFAULT,
    cursor: Cursor = None,
) -> OutboxList:
    """Outgoing mail by state (`pending`, `sent`, `failed`), in the order it was composed:
    its tries, when the next is due, when it was sent, and why it failed or last waited."""
    items, next_cursor = page(services.views, OutboxQuery(mail_state, limit, cursor))
    return OutboxList(items=typed(items, OutboxMail), next_cursor=next_cursor)
