"""The desk's mail as a customer's mail client sees it, through a real SMTP server on
loopback: from the desk by name, to the customer by name, threaded, automatic notices
marked; and the notifier logs in to a server that requires it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from wiring.runtime import Runtime

from .worker_helpers import SUPERVISOR, Desk, MailServer, said


def test_mail_to_the_customer_names_both_sides_threads_and_marks_notices(
    desk: Desk, smtp: MailServer, support: UUID
):
    customer = desk.customer()
    ticket_id = desk.open_ticket(customer, support)
    desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, desk.clock))
    desk.helpdesk.resolve(ticket_id, "Cleared the cache.", said(SUPERVISOR, desk.clock))

    desk.notify()

    reply, resolved = smtp.to(desk.email_of(customer.id))
    person = desk.helpdesk.person(customer.id)
    assert reply["To"].addresses[0].display_name == person.name
    assert reply["Reply-To"].addresses[0].addr_spec == desk.services.settings.mail_address
    assert reply["Date"] is not None
    assert "Auto-Submitted" not in reply
    assert resolved["Auto-Submitted"] == "auto-generated"
    # The resolution answers the reply before it: a mail client shows one thread.
    assert resolved["In-Reply-To"] == reply["Message-ID"]
    assert resolved["References"].split() == [reply["Message-ID"]]


class LoginServer(MailServer):
    """A real SMTP server that accepts mail only after AUTH with one user's password."""

    logins: list[str]

    def start(self) -> None:
        self.logins = []
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._check,
            auth_required=True,
            auth_require_tls=False,
        )
        self._controller.start()

    def _check(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"desk",
            b"s3cret:/@",
        )
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok)


def test_the_notifier_logs_in_with_the_user_and_password_of_the_url(desk: Desk, support: UUID):
    server = LoginServer()
    server.start()
    try:
        customer = desk.customer()
        ticket_id = desk.open_ticket(customer, support)
        desk.helpdesk.reply(ticket_id, "Which browser?", said(SUPERVISOR, desk.clock))
        notifier = Runtime(desk.services).notifier()
        # the password holds the URL's own delimiters, percent-encoded
        notifier.smtp_url = f"smtp://desk:s3cret%3A%2F%40@127.0.0.1:{server.port}"

        desk.notify(notifier)

        assert len(server.to(desk.email_of(customer.id))) == 1
        assert server.logins
    finally:
        server.stop()
