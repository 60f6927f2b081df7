"""The forms on a ticket's page: each posts one command, then leads back to the page
(POST, then redirect), which waits for the command's position, so the page and the queues
behind it show what was just done."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from domain.application import HelpDesk
from domain.errors import InvalidInput, NotFound
from domain.pipeline import Idempotency, Intent, Outcome
from domain.values import WORKERS, Priority, Role, Status
from wiring.uploads import Received, fingerprint, record

from .desk import (
    ConsoleDep,
    Form,
    FormDep,
    SessionDep,
    field,
    intent,
    need,
    written,
)
from .reading import in_thread, remember

CUSTOMER_OR_WORKER = frozenset({Role.CUSTOMER}) | WORKERS
Run = Callable[[HelpDesk, UUID, Form, Intent], Outcome]
Attach = Callable[[HelpDesk, UUID, str, Intent, Sequence[UUID]], Outcome]


@dataclass(frozen=True)
class Action:
    roles: Collection[Role]
    run: Run
    leaves: bool = False
    """Whether the ticket may leave the caller's sight (a transfer): then the way back is
    the queue."""


def _choice(enum: type[Any], form: Form, name: str, allowed: Collection[Any] | None = None) -> Any:
    value = field(form, name)
    try:
        chosen = enum(value)
    except ValueError:
        raise InvalidInput(name, f"{name} is not one of the choices") from None
    if allowed is not None and chosen not in allowed:
        raise InvalidInput(name, f"{name} is not one of the choices")
    return chosen


def _id(form: Form, name: str) -> UUID:
    try:
        return UUID(field(form, name))
    except ValueError:
        raise InvalidInput(name, f"{name} must be an id") from None


def _assignee(form: Form, i: Intent) -> UUID | None:
    chosen = form.get("agent_id", "")
    if chosen == "me":
        return i.origin.actor.id
    return None if chosen == "" else _id(form, "agent_id")


def _rating(form: Form) -> int:
    value = field(form, "rating")
    if value not in {"1", "2", "3", "4", "5"}:
        raise InvalidInput("rating", "rating must be 1 to 5")
    return int(value)


SETTABLE = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER)
"""The statuses the status form offers (resolving and closing have their own forms)."""
ACTIONS: dict[str, Action] = {
    "reply": Action(CUSTOMER_OR_WORKER, lambda h, t, f, i: h.reply(t, field(f, "body"), i)),
    "note": Action(WORKERS, lambda h, t, f, i: h.add_note(t, field(f, "body"), i)),
    "status": Action(
        WORKERS, lambda h, t, f, i: h.change_status(t, _choice(Status, f, "status", SETTABLE), i)
    ),
    "priority": Action(
        WORKERS, lambda h, t, f, i: h.change_priority(t, _choice(Priority, f, "priority"), i)
    ),
    "assign": Action(WORKERS, lambda h, t, f, i: h.assign(t, _assignee(f, i), i), leaves=True),
    "transfer": Action(
        WORKERS, lambda h, t, f, i: h.transfer(t, _id(f, "department_id"), i), leaves=True
    ),
    "resolve": Action(WORKERS, lambda h, t, f, i: h.resolve(t, field(f, "resolution"), i)),
    "close": Action(CUSTOMER_OR_WORKER, lambda h, t, f, i: h.close_ticket(t, i)),
    "reopen": Action(CUSTOMER_OR_WORKER, lambda h, t, f, i: h.reopen(t, field(f, "reason"), i)),
    "review": Action(
        {Role.CUSTOMER},
        lambda h, t, f, i: h.review(t, _rating(f), f.get("comment", "").strip(), i),
    ),
}


ATTACHING: dict[str, Attach] = {"reply": HelpDesk.reply, "note": HelpDesk.add_note}
"""The forms that may carry files: they are uploaded first, then sent with the message."""


@post(
    "/console/tickets/{ticket_id:uuid}/{action:str}",
    include_in_schema=False,
    request_max_body_size=None,
)
async def ticket_command(
    request: Request[Any, Any, Any],
    console: ConsoleDep,
    session: SessionDep,
    form: FormDep,
    ticket_id: FromPath[UUID],
    action: FromPath[str],
) -> Redirect:
    """One command from one form, recorded once however often the form is sent. Its body
    is not limited whole, as the API's upload route's is not: the form's reader holds
    each file, the count of files, and the text to their own limits."""
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise NotFoundException(f"no form {action}")
    need(session, chosen.roles)
    helpdesk = console.services.helpdesk
    command_intent = intent(console, session, request.url.path, form)
    files: list[Received] = request.state.files
    if files and action not in ATTACHING:
        raise InvalidInput("files", "this form takes no files")
    if files:
        body = field(form, "body")
        outcome = await in_thread(
            lambda: ATTACHING[action](
                helpdesk,
                ticket_id,
                body,
                command_intent,
                uploaded(console, session, ticket_id, files, command_intent),
            )
        )
    else:
        outcome = await in_thread(lambda: chosen.run(helpdesk, ticket_id, form, command_intent))
    position = written(console, outcome)
    target = f"/console/tickets/{ticket_id}?min_position={position}#{action}"
    if chosen.leaves and not await in_thread(lambda: _still_visible(console, session, ticket_id)):
        target = f"/console/queue?min_position={position}"
    response = Redirect(target, status_code=303)
    remember(response, request, position)
    return response


def uploaded(
    console: ConsoleDep,
    session: SessionDep,
    ticket_id: UUID,
    files: list[Received],
    command_intent: Intent,
) -> list[UUID]:
    """Stores and records the form's files through the API's upload path, after the ticket
    is found to be the caller's; a resent form replays its upload as it replays its
    message."""
    console.services.helpdesk.ticket(ticket_id, session.actor)
    key = command_intent.idempotency
    digest = hashlib.sha256(fingerprint(files)).hexdigest()
    upload_intent = Intent(
        command_intent.origin, None, key and Idempotency(f"{key.key}:files", digest)
    )
    _, uploaded = record(console.services, ticket_id, files, upload_intent, session.actor)
    return [a.id for a in uploaded]


def _still_visible(console: ConsoleDep, session: SessionDep, ticket_id: UUID) -> bool:
    try:
        console.services.helpdesk.ticket(ticket_id, session.actor)
    except NotFound:
        return False
    return True
