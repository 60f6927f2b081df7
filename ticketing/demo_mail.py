"""The email part of `ticketing demo`: a customer writes to the desk's SMTP listener, is
acknowledged with the ticket's number, answers from their mail client onto the same
ticket, and an out-of-office reply is recorded without an answer. The desk's mail goes
to a catcher on loopback, as it would to the MTA."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from workers import mail_store

DESK = "support@desk.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Catcher:
    """What the desk sends: a real SMTP server on loopback that keeps every message."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 OK"

    def __enter__(self) -> Catcher:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def _until(probe: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _send(port: int, message: EmailMessage) -> str:
    raw = message.as_bytes(policy=email.policy.SMTP)
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.customer.example") as smtp:
        smtp.ehlo()
        smtp.mail("grace@customer.example")
        smtp.rcpt(DESK)
        code, reply = smtp.data(raw)
    return f"{code} {reply.decode()}"


def walk_mail(services: Any, catcher: Catcher, listen_port: int) -> None:
    print("\nThe email path:")
    first = EmailMessage()
    first["From"] = "Grace Hopper <grace@customer.example>"
    first["To"] = DESK
    first["Subject"] = "VPN drops every five minutes"
    first["Message-ID"] = "<vpn-1@customer.example>"
    first.set_content("Since this morning the VPN drops every five minutes.")
    print(f" a. Grace mails {DESK}: the listener answers {_send(listen_port, first)}")
    ack = _until(lambda: next((m for m in catcher.received if "VPN" in m["Subject"]), None))
    print(f" b. the desk acknowledges: {ack['Subject']!r} (In-Reply-To {ack['In-Reply-To']})")
    answer = EmailMessage()
    answer["From"] = "Grace Hopper <grace@customer.example>"
    answer["To"] = ack["Reply-To"]
    answer["Subject"] = f"Re: {ack['Subject']}"
    answer["Message-ID"] = "<vpn-2@customer.example>"
    answer["In-Reply-To"] = ack["Message-ID"]
    answer["References"] = f"{ack['References'] or ''} {ack['Message-ID']}".strip()
    answer.set_content("It happens on the office Wi-Fi only.\n\n> We have received your request")
    print(f" c. she answers it from her mail client: {_send(listen_port, answer)}")
    away = EmailMessage()
    away["From"] = "Grace Hopper <grace@customer.example>"
    away["To"] = DESK
    away["Subject"] = f"Out of office: {ack['Subject']}"
    away["Message-ID"] = "<vpn-ooo@customer.example>"
    away["In-Reply-To"] = ack["Message-ID"]
    away["Auto-Submitted"] = "auto-replied"
    away.set_content("I am away until Monday.")
    print(f" d. her out-of-office reply arrives: {_send(listen_port, away)}")
    states = _until(lambda: _settled(services, 3))
    tickets = {t for _, t in states.values() if t}
    print(f" e. the three messages became: {sorted(s for s, _ in states.values())},")
    to_grace = [m for m in catcher.received if "grace@customer.example" in str(m["To"])]
    print(f"    all on one ticket: {len(tickets) == 1}; mail to Grace: {len(to_grace)} (the ack)")


def _settled(services: Any, count: int) -> dict[str, tuple[str, str | None]] | None:
    with services.views.read() as c:
        rows = c.execute("SELECT sha256, state, ticket_id FROM mail_inbound").fetchall()
    found = {str(r[0]): (str(r[1]), r[2]) for r in rows}
    waiting = [s for s, _ in found.values() if s == str(mail_store.InboundState.STORED)]
    return found if len(found) >= count and not waiting else None
