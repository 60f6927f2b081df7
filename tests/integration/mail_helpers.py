"""Mail as the tests deliver it: stored raw as the listener and the pipe store it, then
settled by the real mail-in worker; the desk's answers caught by a real SMTP server."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

from domain.ticket import Ticket
from wiring.runtime import Runtime
from workers import mail_store

from .worker_helpers import Desk, MailServer, drain

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mail"


def fixture(name: str, **replacements: str) -> bytes:
    raw = (FIXTURES / name).read_bytes()
    for old, new in replacements.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def message(
    sender: str,
    subject: str,
    body: str,
    message_id: str,
    answering: EmailMessage | None = None,
    **headers: str,
) -> bytes:
    """A message as a mail client writes it; an answer names the mail it answers
    (In-Reply-To, References) and quotes it below the new text."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@desk.example"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    text = body
    if answering is not None:
        mail["In-Reply-To"] = answering["Message-ID"]
        refs = str(answering.get("References", "")).split()
        mail["References"] = " ".join([*refs, answering["Message-ID"]])
        quoted = str(answering.get_body(("plain",)).get_content()).splitlines()  # type: ignore[union-attr]
        text += "\n\nOn Mon, 2 Mar 2026, the desk wrote:\n" + "\n".join(f"> {q}" for q in quoted)
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return bytes(mail)


@dataclass
class MailDesk:
    desk: Desk
    smtp: MailServer

    def deliver(self, raw: bytes) -> str:
        """Stores the message as the listener does, and settles everything stored."""
        sha = mail_store.store(self.desk.services.views, raw, self.desk.clock())
        self.settle()
        return sha

    def settle(self) -> None:
        self.desk.clock.advance(seconds=1)
        drain(Runtime(self.desk.services).mail_in().step)

    def outcome(self, sha: str) -> tuple[str, str | None, UUID | None]:
        """What became of a message: its state, reason and ticket."""
        with self.desk.services.views.read() as c:
            row = c.execute(
                "SELECT state, reason, ticket_id FROM mail_inbound WHERE sha256 = ?", (sha,)
            ).fetchone()
        assert row is not None
        return str(row[0]), row[1], None if row[2] is None else UUID(str(row[2]))

    def ticket_of(self, sha: str) -> UUID:
        state, reason, ticket_id = self.outcome(sha)
        assert ticket_id is not None, (state, reason)
        return ticket_id

    def mails(self, address: str) -> list[EmailMessage]:
        """What the desk has sent the address so far."""
        self.desk.notify()
        return self.smtp.to(address)

    def received(self, ticket_id: UUID) -> list[Ticket.MailReceived]:
        return [e for e in self.desk.events(ticket_id) if isinstance(e, Ticket.MailReceived)]
