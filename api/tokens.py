"""Token rotation and revocation for staff (`/v1/agents/...`) and customers
(`/v1/customers/...`): people manage their own tokens, admins anyone's."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Response, delete, post
from litestar.params import FromPath, JSONBody

from domain.errors import NotFound
from domain.timefmt import maybe_rfc3339
from domain.values import Role
from wiring.services import Services

from .auth import allow
from .deps import IntentDep, ServicesDep
from .intent import answer_headers, status_of
from .openapi import CHANGE, problems
from .times import instant


class IssueToken(msgspec.Struct, forbid_unknown_fields=True):
    expires_at: str | None = None


class TokenView(msgspec.Struct):
    token_id: UUID
    token: str | None
    expires_at: str | None


class Revoked(msgspec.Struct):
    token_id: UUID
    revoked: bool


def _expiry(text: str | None) -> datetime | None:
    """The expiry as a time; whether it is still to come is the command's to say."""
    return None if text is None else instant("expires_at", text)


def token_routes(collection: str, roles: Collection[Role], customers: bool) -> list[Any]:
    name = "Customer" if customers else "Agent"

    def _person(services: Services, person_id: UUID) -> None:
        if (services.helpdesk.person(person_id).role is Role.CUSTOMER) != customers:
            raise NotFound(f"no such person {person_id}")

    @post(
        f"{collection}/{{person_id:uuid}}/tokens",
        operation_id=f"issue{name}Token",
        responses=problems(*CHANGE),
        guards=[allow(*roles)],
        tags=["tokens"],
        sync_to_thread=True,
    )
    def issue(
        services: ServicesDep,
        intent: IntentDep,
        person_id: FromPath[UUID],
        data: JSONBody[IssueToken],
    ) -> Response[TokenView]:
        """A further token (rotation), shown this once; optionally expiring."""
        _person(services, person_id)
        expires = _expiry(data.expires_at)
        issued = services.helpdesk.issue_token(person_id, expires, intent)
        person = services.helpdesk.person(person_id, issued.outcome.version)
        return Response(
            TokenView(
                token_id=person.token_ids[-1],
                token=issued.token,
                expires_at=maybe_rfc3339(expires),
            ),
            status_code=status_of(issued.outcome),
            headers=answer_headers(services, issued.outcome),
        )

    @delete(
        f"{collection}/{{person_id:uuid}}/tokens/{{token_id:uuid}}",
        status_code=200,
        operation_id=f"revoke{name}Token",
        responses=problems(*CHANGE),
        guards=[allow(*roles)],
        tags=["tokens"],
        sync_to_thread=True,
    )
    def revoke(
        services: ServicesDep,
        intent: IntentDep,
        person_id: FromPath[UUID],
        token_id: FromPath[UUID],
    ) -> Response[Revoked]:
        """Revokes a token at once: its next request is 401."""
        _person(services, person_id)
        outcome = services.helpdesk.revoke_token(person_id, token_id, intent)
        return Response(
            Revoked(token_id=token_id, revoked=True), headers=answer_headers(services, outcome)
        )

    return [issue, revoke]
