"""Request and response bodies of the ticket routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from domain.policy import BODY_MAX, SUBJECT_MAX
from domain.sla import SLAState
from domain.values import Priority, Role, Status

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=SUBJECT_MAX)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=BODY_MAX)]
Comment = Annotated[str, msgspec.Meta(max_length=BODY_MAX)]
Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]


class Request(msgspec.Struct, forbid_unknown_fields=True):
    """Every request body refuses fields it does not know."""


class OpenTicket(Request):
    subject: Subject
    body: Body
    priority: Priority | None = None
    help_topic_id: UUID | None = None
    customer_id: UUID | None = None
    department_id: UUID | None = None


class AssignTicket(Request):
    agent_id: UUID | None


class TransferTicket(Request):
    department_id: UUID


class PostMessage(Request):
    body: Body
    attachment_ids: list[UUID] = msgspec.field(default_factory=list)
    """Files the caller uploaded to this ticket (`POST .../attachments`), not yet sent."""


class ChangeStatus(Request):
    """Resolving, closing and reopening have routes of their own."""

    status: Literal["open", "in_progress", "awaiting_customer"]


class ChangePriority(Request):
    priority: Priority


class ResolveTicket(Request):
    resolution: Body


class CloseTicket(Request):
    pass


class ReopenTicket(Request):
    reason: Body


class ReviewTicket(Request):
    rating: Rating
    comment: Comment = ""


class AttachmentView(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str


class AttachmentList(msgspec.Struct):
    items: list[AttachmentView]


class MessageView(msgspec.Struct):
    id: UUID
    kind: str
    author_id: UUID
    author_role: str
    body: str
    at: str
    attachments: list[AttachmentView]


class ReviewView(msgspec.Struct):
    rating: int
    comment: str
    at: str


class BreachView(msgspec.Struct):
    target: str
    cycle: int
    due: str
    at: str


class SLAView(msgspec.Struct):
    plan_id: UUID | None = None
    plan_version: int | None = None
    cycle: int | None = None
    first_response_due: str | None = None
    resolution_due: str | None = None
    next_response_due: str | None = None
    """The current next-response target's (after a customer message), once the plan
    sets one; its verdicts are SLAMet, SLABreached and SLAWarning in the history."""
    paused: bool = False
    state: SLAState = SLAState.NONE
    breaches: list[BreachView] = msgspec.field(default_factory=list)


class TicketView(msgspec.Struct):
    id: UUID
    number: str
    subject: str
    status: Status
    priority: Priority
    department_id: UUID | None
    assignee_id: UUID | None
    customer_id: UUID | None
    help_topic_id: UUID | None
    created_at: str
    updated_at: str
    version: int
    sla: SLAView
    messages: list[MessageView]
    review: ReviewView | None
    resolution: str | None


class HistoryItem(msgspec.Struct):
    position: int
    version: int
    type: str
    occurred_at: str
    actor_id: UUID
    actor_role: Role
    correlation_id: UUID
    causation_id: UUID
    data: dict[str, Any]


class History(msgspec.Struct):
    items: list[HistoryItem]


class Verification(msgspec.Struct):
    ok: bool
    events: int
    head: str | None
    first_bad_version: int | None = None
    detail: str | None = None
