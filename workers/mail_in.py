"""The mail-in worker: turns each stored message into what it is, exactly once.

For one message, in order: quarantine what cannot be read; a Message-ID seen before is a
duplicate; the ticket it answers (In-Reply-To / References against every id the desk
sent or received, then `[#NUMBER]` in the subject); automated mail is recorded on that
ticket and nothing else; the sender becomes a customer (mail from a staff address is
quarantined: mail never acts for staff); then a reply by the customer or a collaborator,
or a new ticket (also when the old one was closed past its reopen window, linked to it).

Exactly once: every command carries an `Idempotency-Key` derived from the message's
digest, so a crash after a command and before the message is settled replays the
command's first answer on the next try (its files, stored before it, are stored again as
the same blobs under the same attachment ids); the settling (state, Message-ID claim, thread
ids) is one transaction of the mail tables.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from domain.application import HelpDesk
from domain.errors import DomainError, NotFound
from domain.indexes import TicketNumber
from domain.mail_commands import ReopenWindowPassed
from domain.pipeline import Idempotency, Intent
from domain.ticket import Ticket, collaborators
from domain.values import Actor, Mail, Origin, Role
from projections.view_store import ViewStore

from . import mail_store, mail_thread
from .actors import MAIL_IN
from .follower import keep_stepping
from .mail_files import BlobSink, stored
from .mail_parse import Inbound, Unreadable, parse
from .mail_store import InboundState
from .notifier import STORE_ERRORS

_log = logging.getLogger("ticketing.mail_in")
_NAMESPACE = UUID("9d1b7c52-55c6-4b8e-8f43-0e5d7f1a2b63")


class Settled(Exception):
    """How a message ends, when it ends before a ticket command."""

    def __init__(self, state: InboundState, reason: str, ticket_id: UUID | None = None) -> None:
        super().__init__(reason)
        self.state, self.reason, self.ticket_id = state, reason, ticket_id


class MailIn:
    name = "mail-in"

    def __init__(
        self,
        helpdesk: HelpDesk,
        views: ViewStore,
        clock: Callable[[], datetime],
        wake: threading.Event | None = None,
        department_for: Callable[[list[str]], UUID | None] = lambda recipients: None,
        blobs: BlobSink[Any] | None = None,
    ) -> None:
        self.helpdesk = helpdesk
        self.views = views
        self.clock = clock
        self.wake = wake or threading.Event()
        self.department_for = department_for
        self.blobs = blobs

    def step(self) -> bool:
        """Settles the oldest waiting messages; True when there were any."""
        found = mail_store.waiting(self.views)
        for sha, raw in found:
            self.settle(sha, raw)
        return bool(found)

    def run(self, stop: threading.Event, leader: Any = lambda: True) -> None:
        keep_stepping(self.name, self.step, self.wake, stop, leader)

    def settle(self, sha: str, raw: bytes) -> None:
        """One message, to its end. Store failures are raised (the message is tried
        again); anything else this message raises quarantines it, with the reason."""
        message: Inbound | None = None
        try:
            message = parse(raw)
            ticket_id, position = self._act(sha, message)
            self._finish(sha, message, InboundState.DONE, None, ticket_id, position)
        except Unreadable as e:
            self._finish(sha, None, InboundState.QUARANTINED, str(e), None, None)
        except Settled as e:
            self._finish(sha, message, e.state, e.reason, e.ticket_id, None)
        except STORE_ERRORS:
            raise
        except DomainError as e:
            self._finish(sha, message, InboundState.QUARANTINED, str(e), None, None)
        except Exception as e:  # a bug met by this message must not stop the others
            _log.exception("mail %s quarantined", sha)
            self._finish(sha, message, InboundState.QUARANTINED, f"failed: {e!r}", None, None)

    def _act(self, sha: str, message: Inbound) -> tuple[UUID, int | None]:
        self._refuse_duplicate(sha, message)
        ticket_id, by_headers = self._ticket_answered(message)
        facts = Mail(sha, mail_thread.writable(message.message_id), message.sender, False)
        if message.automated is not None:
            if ticket_id is None:
                raise Settled(InboundState.AUTOMATED, f"{message.automated}; no ticket")
            facts = Mail(facts.sha256, facts.message_id, facts.sender, True)
            outcome = self.helpdesk.record_automated(
                ticket_id, facts, self._intent(MAIL_IN, sha, "automated")
            )
            raise Settled(InboundState.AUTOMATED, message.automated, outcome.aggregate_id)
        person_id, role = self.helpdesk.customer_for(
            message.sender_name, message.sender, self._intent(MAIL_IN, sha, "sender")
        )
        if role is not Role.CUSTOMER:
            raise Settled(
                InboundState.QUARANTINED,
                f"the sender {message.sender} is staff ({role.value}): staff answer in the"
                " help desk, mail never acts for them",
            )
        author = Actor(person_id, Role.CUSTOMER)
        follows = None
        files = stored(self.blobs, sha, message.files)
        if ticket_id is not None and not by_headers and not self._on(ticket_id, person_id):
            ticket_id = None  # a ticket number alone makes no one a collaborator
        if ticket_id is not None:
            try:
                outcome = self.helpdesk.reply_by_mail(
                    ticket_id, message.body, facts, self._intent(author, sha, "reply"), files
                )
                return outcome.aggregate_id, outcome.position
            except ReopenWindowPassed:
                follows = ticket_id
        outcome = self.helpdesk.open_by_mail(
            subject=message.subject,
            body=message.body,
            department_id=self.department_for(message.recipients),
            mail=facts,
            follows=follows,
            intent=self._intent(author, sha, "open"),
            attachments=files,
        )
        return outcome.aggregate_id, outcome.position

    def _refuse_duplicate(self, sha: str, message: Inbound) -> None:
        if message.message_id is None:
            return
        with self.views.read() as c:
            row = c.execute(
                "SELECT i.sha256, m.ticket_id FROM mail_inbound_ids i"
                " JOIN mail_inbound m ON m.sha256 = i.sha256 WHERE i.message_key = ?",
                (mail_thread.key(message.message_id),),
            ).fetchone()
        if row is not None and row[0] != sha:
            ticket = None if row[1] is None else UUID(str(row[1]))
            raise Settled(InboundState.DUPLICATE, f"the Message-ID of {row[0]} again", ticket)

    def _ticket_answered(self, message: Inbound) -> tuple[UUID | None, bool]:
        """The ticket, and whether the message named one of its Message-IDs (which only
        someone who got its mail knows) rather than only its number (which anyone can
        guess)."""
        ticket_id = mail_thread.ticket_for(self.views, message.answers)
        if ticket_id is not None or message.number is None:
            return ticket_id, True
        try:
            number = self.helpdesk.one(TicketNumber, TicketNumber.id_for(message.number))
        except NotFound:
            return None, False
        return number.ticket_id, False

    def _on(self, ticket_id: UUID, person_id: UUID) -> bool:
        """Whether the person is the ticket's customer or one of its collaborators."""
        try:
            ticket = self.helpdesk.one(Ticket, ticket_id)
        except NotFound:
            return False
        return person_id in (ticket.customer_id, *collaborators(ticket))

    def _intent(self, actor: Actor, sha: str, step: str) -> Intent:
        cause = uuid5(_NAMESPACE, sha)
        origin = Origin(actor, self.clock(), cause, cause)
        return Intent(origin, idempotency=Idempotency(f"mail:{sha}:{step}", sha))

    def _finish(
        self,
        sha: str,
        message: Inbound | None,
        state: InboundState,
        reason: str | None,
        ticket_id: UUID | None,
        position: int | None,
    ) -> None:
        now = self.clock()
        with self.views.write() as c:
            if message is not None and message.message_id is not None:
                key = mail_thread.key(message.message_id)
                if state is not InboundState.DUPLICATE:
                    mail_store.claim_message_id(c, key, sha)
                if ticket_id is not None and state is InboundState.DONE:
                    seq = position or self.helpdesk.recorder.max_notification_id() or 0
                    mail_thread.add(c, [(message.message_id, ticket_id, "", seq)])
            ticket = None if ticket_id is None else str(ticket_id)
            mail_store.settle(c, sha, state, now, reason, ticket)
