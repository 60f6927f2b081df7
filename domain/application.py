"""The HelpDesk application: one method per command, each naming its aggregate and
what to do; the pipeline (`pipeline.py`) does the rest."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from .assignment import Rotation
from .attachment_events import AttachmentPlace
from .erasure_commands import ErasureCommands
from .errors import InvalidInput, NotFound
from .lifecycle import Command
from .mail_commands import MailCommands
from .org_commands import OrganisationCommands
from .pipeline import Act, Intent, Outcome, jittered_backoff
from .policy import require_may, require_may_open
from .ticket import Ticket, collaborators
from .values import Actor, AssignReason, Attachment, Effect, Priority, Role, Status


def random_ticket_number() -> str:
    """Eight digits, never starting with zero: short enough to read over the phone."""
    return str(10_000_000 + secrets.randbelow(90_000_000))


class HelpDesk(ErasureCommands, MailCommands, OrganisationCommands):
    name = "HelpDesk"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Ticket: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        new_number: Callable[[], str] = random_ticket_number,
        backoff: Callable[[int], None] = jittered_backoff,
    ) -> None:
        super().__init__(env, backoff)
        self.new_number = new_number

    # Tickets: commands

    def open_ticket(
        self,
        *,
        subject: str,
        body: str,
        priority: Priority | None,
        customer_id: UUID | None,
        department_id: UUID | None,
        help_topic_id: UUID | None,
        intent: Intent,
    ) -> Outcome:
        """Staff open tickets only where they may then read them."""
        actor = intent.origin.actor
        require_may_open(actor)
        if actor.is_customer:
            customer_id = actor.id
        elif customer_id is not None:
            self._require_person(customer_id, Role.CUSTOMER, "customer_id")
        if actor.is_customer and department_id is not None:
            raise InvalidInput("department_id", "customers choose a help topic, not a department")
        routed_by = "department_id" if department_id is not None else "help_topic_id"
        department_id, priority, terms = self.route(help_topic_id, department_id, priority)
        if not self._works_in(actor, department_id):
            raise InvalidInput(routed_by, "that would put the ticket in a department not yours")

        return self.create(
            intent,
            lambda: self._opening(
                intent,
                subject=subject,
                body=body,
                priority=priority,
                customer_id=customer_id,
                department_id=department_id,
                help_topic_id=help_topic_id,
                sla=terms,
            ),
        )

    def assign(self, ticket_id: UUID, agent_id: UUID | None, intent: Intent) -> Outcome:
        """To someone who may work the ticket: an agent of its department or a supervisor."""

        def assign(ticket: Ticket) -> None:
            if agent_id is not None:
                self._require_worker_of(agent_id, ticket.department_id, "agent_id")
            ticket.assign(agent_id, intent.origin, AssignReason.MANUAL)

        return self._on_ticket(ticket_id, Command.ASSIGN, intent, assign)

    def transfer(self, ticket_id: UUID, department_id: UUID, intent: Intent) -> Outcome:
        terms = self.department_terms(department_id)
        return self._on_ticket(
            ticket_id,
            Command.TRANSFER,
            intent,
            lambda t: t.transfer(department_id, intent.origin, terms),
        )

    def check_sla(self, ticket_id: UUID, intent: Intent) -> Outcome:
        """The SLA worker's command: records the warnings and breaches now due, once."""
        return self._on_ticket(
            ticket_id, Command.CHECK_SLA, intent, lambda t: t.check_sla(intent.origin)
        )

    def reply(
        self, ticket_id: UUID, body: str, intent: Intent, attachment_ids: Sequence[UUID] = ()
    ) -> Outcome:
        return self._on_ticket(
            ticket_id,
            Command.REPLY,
            intent,
            lambda t: t.reply(uuid4(), body, intent.origin, attachment_ids),
        )

    def add_note(
        self, ticket_id: UUID, body: str, intent: Intent, attachment_ids: Sequence[UUID] = ()
    ) -> Outcome:
        return self._on_ticket(
            ticket_id,
            Command.NOTE,
            intent,
            lambda t: t.add_note(uuid4(), body, intent.origin, attachment_ids),
        )

    def upload(self, ticket_id: UUID, attachments: Sequence[Attachment], intent: Intent) -> Outcome:
        """Records files whose bytes are stored already, each with its place (the ticket),
        in one transaction."""

        def upload(ticket: Ticket) -> list[Aggregate]:
            ticket.upload(attachments, intent.origin)
            return [AttachmentPlace.place(a.id, ticket.id, intent.origin) for a in attachments]

        return self._on_ticket(ticket_id, Command.ATTACH, intent, upload, Effect.CREATED)

    def change_status(self, ticket_id: UUID, status: Status, intent: Intent) -> Outcome:
        return self._on_ticket(
            ticket_id,
            Command.CHANGE_STATUS,
            intent,
            lambda t: t.change_status(status, intent.origin),
        )

    def change_priority(self, ticket_id: UUID, priority: Priority, intent: Intent) -> Outcome:
        return self._on_ticket(
            ticket_id,
            Command.CHANGE_PRIORITY,
            intent,
            lambda t: t.change_priority(priority, intent.origin),
        )

    def resolve(self, ticket_id: UUID, resolution: str, intent: Intent) -> Outcome:
        return self._on_ticket(
            ticket_id, Command.RESOLVE, intent, lambda t: t.resolve(resolution, intent.origin)
        )

    def close_ticket(self, ticket_id: UUID, intent: Intent) -> Outcome:
        """Named apart from `Application.close`, which closes the store."""
        return self._on_ticket(ticket_id, Command.CLOSE, intent, lambda t: t.close(intent.origin))

    def reopen(self, ticket_id: UUID, reason: str, intent: Intent) -> Outcome:
        """Customers reopen within their department's window (`reopen_days`)."""
        return self._on_ticket(
            ticket_id,
            Command.REOPEN,
            intent,
            lambda t: t.reopen(reason, intent.origin, self._reopen_days(t)),
        )

    def review(self, ticket_id: UUID, rating: int, comment: str, intent: Intent) -> Outcome:
        return self._on_ticket(
            ticket_id,
            Command.REVIEW,
            intent,
            lambda t: t.add_review(rating, comment, intent.origin),
        )

    def auto_assign(
        self, ticket_id: UUID, agent_id: UUID, reason: AssignReason, intent: Intent
    ) -> Outcome:
        """The assigner's decision, saved with the department's rotation in one
        transaction so that two assigners deciding at once cannot both win."""

        def assign(ticket: Ticket) -> list[Aggregate]:
            ticket.assign(agent_id, intent.origin, reason)
            if ticket.department_id is None:
                return []
            rotation = self.rotation(ticket.department_id) or Rotation.start(
                ticket.department_id, intent.origin
            )
            rotation.turn(agent_id, ticket.id, intent.origin)
            return [rotation]

        return self._on_ticket(ticket_id, Command.ASSIGN, intent, assign)

    def rotation(self, department_id: UUID) -> Rotation | None:
        try:
            return self._get(Rotation, Rotation.id_for(department_id))
        except NotFound:
            return None

    # Tickets: reads

    def ticket(self, ticket_id: UUID, actor: Actor, version: int | None = None) -> Ticket:
        """The ticket now, or exactly as it was at `version`."""
        ticket = self._get(Ticket, ticket_id)
        if version is not None and version > ticket.version:
            self.forget(ticket_id)  # a later version was logged: the cache is behind
            ticket = self._get(Ticket, ticket_id)
        self._require_visible(ticket, actor)
        if version is None or version == ticket.version:
            return ticket
        if not 1 <= version <= ticket.version:
            raise NotFound(f"the ticket has no version {version}")
        old: Ticket = self.repository.get(ticket_id, version=version)
        return old

    def ticket_as_of(self, ticket_id: UUID, actor: Actor, at: datetime) -> Ticket:
        """The ticket as it was at a moment: its state after the last event not after it."""
        version = 0
        for event in self.ticket_events(ticket_id, actor):
            if event.timestamp > at:
                break
            version = event.originator_version
        if version == 0:
            raise NotFound("the ticket did not exist at that time")
        return self.ticket(ticket_id, actor, version)

    def ticket_events(self, ticket_id: UUID, actor: Actor) -> Iterator[Ticket.Event]:
        """The ticket's events, oldest first; customers never see internal notes."""
        self.ticket(ticket_id, actor)
        for event in self.events.get(ticket_id):
            if not isinstance(event, Ticket.Event):
                raise NotFound(f"no ticket {ticket_id}")
            if actor.is_customer and isinstance(event, Ticket.NoteAdded):
                continue
            yield event

    def attachment(self, attachment_id: UUID, actor: Actor) -> Attachment:
        """An attachment for whoever may read its message (a note's is not the customer's);
        one not yet on a message, for its uploader only."""
        place = self._get(AttachmentPlace, attachment_id)
        ticket = self.ticket(place.ticket_id, actor)
        for message in ticket.visible_messages(actor.role):
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    return attachment
        for upload in ticket.uploads:
            if upload.attachment.id == attachment_id and upload.uploader_id == actor.id:
                return upload.attachment
        raise NotFound(f"no attachment {attachment_id}")

    # The ticket pipeline

    def _on_ticket(
        self,
        ticket_id: UUID,
        command: Command,
        intent: Intent,
        act: Act[Ticket],
        effect: Effect = Effect.CHANGED,
    ) -> Outcome:
        require_may(intent.origin.actor, command)
        load = lambda: self.ticket(ticket_id, intent.origin.actor)  # noqa: E731
        return self.change(intent, load, act, effect)

    def _require_visible(self, ticket: Ticket, actor: Actor) -> None:
        """Existence is not leaked: another customer's ticket, or for an agent a ticket of
        another department (unless assigned to them), is simply not found."""
        if actor.is_customer and actor.id not in (ticket.customer_id, *collaborators(ticket)):
            raise NotFound(f"no ticket {ticket.id}")
        if ticket.assignee_id != actor.id and not self._works_in(actor, ticket.department_id):
            raise NotFound(f"no ticket {ticket.id}")

    def _works_in(self, actor: Actor, department_id: UUID | None) -> bool:
        """Whether the actor's role reaches the department: agents only their own (and
        tickets of no department), everyone else every department."""
        if actor.role is not Role.AGENT or department_id is None:
            return True
        return department_id in self.departments_of(actor)
