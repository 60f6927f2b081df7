"""What mail an event sends, to whom: plain text and escaped HTML, the ticket number in
the subject, threaded onto the ticket's earlier mail. Internal notes never produce mail.

Notices: the customer (and the ticket's collaborators) on an agent's reply and on
resolution, the customer when mail opened the ticket (the acknowledgement, which tells
them the number); the assigned agent on assignment and on the customer's reply; the
department's staff on SLA warnings and breaches. Everything but an agent's own words is
an automatic notice (`Auto-Submitted: auto-generated`), which well-behaved auto-responders
never answer. Mail to customers, who answer it from their mail client, carries their
name and `Reply-To` the desk; staff answer in the help desk.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from domain.application import HelpDesk
from domain.errors import NotFound
from domain.ticket import Ticket, collaborators
from domain.timefmt import rfc3339
from domain.values import Attachment, Role
from projections.directory.handlers import DirectoryProjection
from projections.directory.queries import staff_to_notify
from projections.view_store import ViewStore

from . import mail_thread
from .actors import NOTIFIER
from .follower import Behind

TO_CUSTOMER = "Reply to this message to answer; keep {number} in the subject."


@dataclass(frozen=True)
class Mail:
    message_id: str
    recipient: str
    subject: str
    text: str
    html: str
    position: int
    ticket_id: str = ""
    recipient_name: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = field(default=())
    reply_to: str = ""
    automatic: bool = False
    acknowledgement: bool = False
    attachments: tuple[Attachment, ...] = ()
    """A public reply's files (`mail_attachments`)."""


@dataclass(frozen=True)
class _Notice:
    people: list[Any]
    subject: str
    body: str
    footer: str
    automatic: bool = True
    acknowledgement: bool = False


def compose(
    helpdesk: HelpDesk,
    views: ViewStore,
    position: int,
    event: Any,
    reply_to: str = "",
    earlier: Sequence[Mail] = (),
) -> list[Mail]:
    """The event's mail, threaded after what the ticket's log has mailed before and the
    `earlier` mail of the batch in hand (not yet in the thread's table)."""
    if helpdesk.ticket(event.originator_id, NOTIFIER).erased:
        return []  # its customer is erased: no mail carries what nobody may read
    ticket = helpdesk.ticket(event.originator_id, NOTIFIER, event.originator_version)
    notice = _notice(ticket, views, position, event)
    if notice is None:
        return []
    received = event.message_id if isinstance(event, Ticket.MailReceived) else None
    reply_to = helpdesk.department_address(ticket.department_id) or reply_to
    mails = []
    for person_id in notice.people:
        if person_id is None:
            continue
        try:
            person = helpdesk.person(person_id)
        except NotFound:
            continue
        if person.erased:
            continue
        customer = person.role is Role.CUSTOMER
        thread = _thread(views, ticket.id, person.email, position, earlier, received)
        mails.append(
            Mail(
                message_id=f"<{uuid5(event.event_id, person.email.lower())}@ticketing>",
                recipient=person.email,
                subject=notice.subject,
                text=f"{notice.body}\n\n--\n{notice.footer}\n",
                html=f"<p>{html.escape(notice.body).replace(chr(10), '<br>')}</p>"
                f"<hr><p>{html.escape(notice.footer)}</p>",
                position=position,
                ticket_id=str(ticket.id),
                recipient_name=person.name if customer else "",
                in_reply_to=thread[-1] if thread else None,
                references=tuple(thread),
                reply_to=reply_to if customer else "",
                automatic=notice.automatic,
                acknowledgement=notice.acknowledgement,
            )
        )
    return mails


def _thread(
    views: ViewStore,
    ticket_id: UUID,
    recipient: str,
    position: int,
    earlier: Sequence[Mail],
    received: str | None,
) -> list[str]:
    ids = mail_thread.thread(views, ticket_id, recipient, position)
    ids += [
        m.message_id
        for m in earlier
        if m.ticket_id == str(ticket_id) and m.recipient.lower() == recipient.lower()
    ]
    if mail_thread.writable(received) is not None:
        ids.append(str(received).strip())
    return list(dict.fromkeys(ids))[-mail_thread.THREAD_MAX :]


def _notice(ticket: Ticket, views: ViewStore, position: int, event: Any) -> _Notice | None:
    title = f"[#{ticket.number}] {ticket.subject}"
    public = [ticket.customer_id, *collaborators(ticket)]
    answer = TO_CUSTOMER.format(number=f"[#{ticket.number}]")
    if isinstance(event, Ticket.Replied):
        if event.actor_role is not Role.CUSTOMER:
            return _Notice(public, f"Re: {title}", event.body, answer, automatic=False)
        return _Notice(
            [ticket.assignee_id],
            f"Customer replied: {title}",
            event.body,
            "Open the ticket in the help desk.",
        )
    if isinstance(event, Ticket.MailReceived):
        if event.automated or event.originator_version != 2:
            return None  # only the mail that opened the ticket is acknowledged
        return _Notice(
            [ticket.customer_id],
            title,
            f"We have received your request and opened ticket [#{ticket.number}].",
            answer,
            acknowledgement=True,
        )
    if isinstance(event, Ticket.Resolved):
        return _Notice(
            public,
            f"Resolved: {title}",
            event.resolution,
            "If this solves it, confirm by closing the ticket; if not, reply to reopen it.",
        )
    if isinstance(event, Ticket.Assigned) and event.agent_id is not None:
        return _Notice(
            [event.agent_id],
            f"Assigned to you: {title}",
            ticket.messages[0].body,
            f"Priority {ticket.priority.value}.",
        )
    if isinstance(event, (Ticket.SLAWarning, Ticket.SLABreached)):
        kind = "SLA breached" if isinstance(event, Ticket.SLABreached) else "SLA warning"
        target = event.target.value.replace("_", " ")
        return _Notice(
            _department_staff(views, position, ticket.department_id),
            f"{kind}: {title}",
            f"The {target} is due {rfc3339(event.due)}.",
            "Open the ticket in the help desk.",
        )
    return None


def _department_staff(views: ViewStore, position: int, department_id: UUID | None) -> list[UUID]:
    """The department's agents and every supervisor, as the directory shows them once it
    has seen the event (they hear of its SLA warnings and breaches)."""
    if department_id is None:
        return []
    if views.position(DirectoryProjection.name) < position:
        raise Behind(f"the directory has not reached position {position}")
    return [contact.person_id for contact in staff_to_notify(views, department_id)]
