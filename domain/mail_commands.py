"""What mail may do to tickets: open one for its sender, reply on one as its customer or
a collaborator, or be recorded on one as automated. Nothing here acts for staff: the
mail-in worker decides who wrote (never an agent), and these commands only ever act as
a customer or as the mail-in system actor.

Each command is made safe to run again by the caller's `Idempotency-Key`, derived from
the stored message's digest: the worker can crash anywhere and try the message again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID, uuid4

from .attachment_events import AttachmentPlace
from .errors import Duplicate, InvalidTransition, NotFound
from .indexes import EmailAddress, TicketNumber
from .organisation import Department
from .people_commands import PeopleCommands
from .pipeline import Decision, Intent, Outcome
from .ticket import Ticket
from .values import Attachment, Mail, Origin, Role, Status

FILES_OF_THE_FIRST_MESSAGE = "(the files sent by mail with the first message)"
"""The text of the message that carries a mail-opened ticket's files: the first message
(`Ticket.Created`) carries none, and uploads alone are their uploader's only."""


class ReopenWindowPassed(InvalidTransition):
    """A reply to a ticket closed longer ago than its department's window."""


class MailCommands(PeopleCommands):
    new_number: Callable[[], str]

    def customer_for(self, name: str, address: str, intent: Intent) -> tuple[UUID, Role]:
        """The person who owns the address, registered as a customer when unknown; with
        their role, so that the caller can refuse mail from staff addresses."""
        claim = self.claim_of(address)
        if claim is not None and not claim.released:
            person_id = claim.person_id
        else:
            try:
                issued = self.register_person(
                    name=name or address,
                    email=address,
                    role=Role.CUSTOMER,
                    department_ids=[],
                    intent=intent,
                )
                person_id = issued.outcome.aggregate_id
            except Duplicate:  # registered meanwhile by another worker or the API
                person_id = self._get(EmailAddress, EmailAddress.id_for(address)).person_id
        return person_id, self.person(person_id).role

    def open_by_mail(
        self,
        *,
        subject: str,
        body: str,
        department_id: UUID | None,
        mail: Mail,
        follows: UUID | None,
        intent: Intent,
        attachments: Sequence[Attachment] = (),
    ) -> Outcome:
        """A ticket for the customer who wrote (the intent's actor), in the department
        the mail was addressed to (else the default one); the mail's files follow on a
        second message of the customer's, in the same transaction, so that staff see
        them too."""
        department_id, priority, terms = self.route(None, department_id, None)

        def opening() -> Decision:
            decision = self._opening(
                intent,
                subject=subject,
                body=body,
                priority=priority,
                customer_id=intent.origin.actor.id,
                department_id=department_id,
                help_topic_id=None,
                sla=terms,
                mail=mail,
                follows=follows,
            )
            if not attachments:
                return decision
            ticket = decision.subject
            assert isinstance(ticket, Ticket)
            places = _attach(ticket, FILES_OF_THE_FIRST_MESSAGE, attachments, intent.origin)
            return Decision(ticket, (*decision.others, *places))

        return self.create(intent, opening)

    def _opening(self, intent: Intent, **fields: Any) -> Decision:
        """A new ticket with a fresh number, and the claim of that number (every way of
        opening a ticket decides this, once per attempt)."""
        ticket = Ticket.open(
            ticket_id=uuid4(),
            number=self.new_number(),
            message_id=uuid4(),
            origin=intent.origin,
            **fields,
        )
        return Decision(ticket, (TicketNumber.claim(ticket.number, ticket.id, intent.origin),))

    def reply_by_mail(
        self,
        ticket_id: UUID,
        body: str,
        mail: Mail,
        intent: Intent,
        attachments: Sequence[Attachment] = (),
    ) -> Outcome:
        """The customer's or a collaborator's reply, with the mail's files (uploaded and
        placed in the same transaction): a closed ticket reopens within its department's
        window (else `ReopenWindowPassed`), a resolved one reopens."""
        origin = intent.origin

        def reply(ticket: Ticket) -> list[AttachmentPlace]:
            if ticket.status is Status.CLOSED:
                if ticket.reopen_window_passed(origin.at, self._reopen_days(ticket)):
                    raise ReopenWindowPassed("the ticket was closed too long ago")
                ticket.reopen("customer replied by mail", origin)
            ticket.add_collaborator(origin.actor.id, origin)
            places = _attach(ticket, body, attachments, origin)
            ticket.receive_mail(mail, origin)
            return places

        return self.change(intent, lambda: self._get(Ticket, ticket_id), reply)

    def record_automated(self, ticket_id: UUID, mail: Mail, intent: Intent) -> Outcome:
        """Automated mail on its ticket: recorded, in any status, changing nothing else."""
        return self.change(
            intent,
            lambda: self._get(Ticket, ticket_id),
            lambda ticket: ticket.receive_mail(mail, intent.origin),
        )

    def _reopen_days(self, ticket: Ticket) -> int | None:
        if ticket.department_id is None:
            return None
        try:
            return self._get(Department, ticket.department_id).reopen_days
        except NotFound:
            return None


def _attach(
    ticket: Ticket, body: str, attachments: Sequence[Attachment], origin: Origin
) -> list[AttachmentPlace]:
    """A reply by the origin's actor carrying the files, uploaded first; their places."""
    if attachments:
        ticket.upload(attachments, origin)
    ticket.reply(uuid4(), body, origin, [a.id for a in attachments])
    return [AttachmentPlace.place(a.id, ticket.id, origin) for a in attachments]
