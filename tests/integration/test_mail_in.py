"""Mail in, on each real store: a customer writes, is acknowledged, answers from their
mail client; a CC'd colleague answers all; an out-of-office reply after closing changes
nothing; the same message twice is one; and every bad message of the issue ends as a
ticket, a reply, an automated record or a quarantine entry with its reason."""

from __future__ import annotations

import pytest

from domain.errors import Duplicate
from domain.organisation import AssignMode
from domain.ticket import Ticket
from domain.values import Role, Status

from .mail_helpers import MailDesk, fixture, message
from .worker_helpers import ADMIN, SUPERVISOR, Desk, MailServer, said

ADA = "ada@customer.example"


@pytest.fixture
def mail(desk: Desk, smtp: MailServer) -> MailDesk:
    desk.department("IT Support")
    return MailDesk(desk, smtp)


def test_a_customer_writes_answers_the_acknowledgement_and_a_colleague_answers_all(
    mail: MailDesk,
):
    desk = mail.desk
    # Ada writes to the desk: a customer and a ticket, and an acknowledgement naming it.
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    ticket = desk.ticket(ticket_id)
    customer = desk.helpdesk.person(ticket.customer_id)
    assert (customer.name, customer.email, customer.role) == ("Ada Lovelace", ADA, Role.CUSTOMER)
    assert ticket.subject == "Printer on fire"
    assert ticket.messages[0].body.startswith("The printer on floor 3 is smoking.")
    (ack,) = mail.mails(ADA)
    assert f"[#{ticket.number}]" in ack["Subject"]
    assert ack["In-Reply-To"] == "<req-1@customer.example>"
    assert ack["Auto-Submitted"] == "auto-generated"

    # She answers the acknowledgement from her mail client: a reply on the same ticket,
    # without the quoted history.
    answer = message(
        "Ada Lovelace <ada@customer.example>",
        f"Re: {ack['Subject']}",
        "It is room 3.14.",
        "<req-2@customer.example>",
        answering=ack,
    )
    assert mail.ticket_of(mail.deliver(answer)) == ticket_id
    assert desk.ticket(ticket_id).messages[-1].body == "It is room 3.14."

    # The agent replies over the API; her colleague, CC'd, answers all.
    desk.helpdesk.reply(ticket_id, "On our way.", said(SUPERVISOR, desk.clock))
    (_, reply) = mail.mails(ADA)
    cc = message(
        "Charles Babbage <charles@customer.example>",
        f"Re: {reply['Subject']}",
        "Thanks, I will meet them.",
        "<cc-1@customer.example>",
        answering=reply,
    )
    assert mail.ticket_of(mail.deliver(cc)) == ticket_id
    ticket = desk.ticket(ticket_id)
    colleague = desk.helpdesk.person(ticket.messages[-1].author_id)
    assert colleague.email == "charles@customer.example"
    assert ticket.collaborator_ids == [colleague.id]

    # The colleague now gets the thread's public mail too.
    desk.helpdesk.resolve(ticket_id, "Replaced the fuser.", said(SUPERVISOR, desk.clock))
    assert [m["Subject"].startswith("Resolved:") for m in mail.mails(colleague.email)] == [True]


def test_an_out_of_office_reply_after_closing_reopens_nothing_and_is_not_answered(
    mail: MailDesk,
):
    desk = mail.desk
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    desk.helpdesk.resolve(ticket_id, "Done.", said(SUPERVISOR, desk.clock))
    desk.helpdesk.close_ticket(ticket_id, said(SUPERVISOR, desk.clock))
    (_, resolved) = mail.mails(ADA)
    number = desk.ticket(ticket_id).number

    sha = mail.deliver(
        fixture("out_of_office.eml", NUMBER=number, IN_REPLY_TO=resolved["Message-ID"])
    )

    assert mail.outcome(sha) == ("automated", "Auto-Submitted: auto-replied", ticket_id)
    assert desk.ticket(ticket_id).status is Status.CLOSED
    assert [e.automated for e in mail.received(ticket_id)] == [False, True]
    assert len(mail.mails(ADA)) == 2


def test_the_same_message_delivered_twice_is_recorded_once(mail: MailDesk):
    raw = fixture("new_request.eml")
    first = mail.deliver(raw)
    assert mail.deliver(raw) == first  # the same bytes: the same stored row
    relayed = mail.deliver(b"Received: from relay.example by mx.desk.example\r\n" + raw)

    ticket_id = mail.ticket_of(first)
    assert mail.outcome(relayed)[0] == "duplicate"
    assert len(mail.received(ticket_id)) == 1
    assert len(mail.mails(ADA)) == 1


def test_the_ticket_number_in_the_subject_threads_a_message_without_headers(mail: MailDesk):
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    number = mail.desk.ticket(ticket_id).number

    sha = mail.deliver(
        message(ADA, f"About [#{number}]", "Any news?", "<fresh-1@customer.example>")
    )

    assert mail.ticket_of(sha) == ticket_id


def test_a_reply_after_the_reopen_window_opens_a_new_ticket_linked_to_the_old(mail: MailDesk):
    desk = mail.desk
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    desk.helpdesk.close_ticket(ticket_id, said(SUPERVISOR, desk.clock))
    desk.clock.advance(days=15)
    number = desk.ticket(ticket_id).number

    sha = mail.deliver(message(ADA, f"Re: [#{number}]", "It is back.", "<late@customer.example>"))

    new_id = mail.ticket_of(sha)
    assert new_id != ticket_id
    assert desk.ticket(ticket_id).status is Status.CLOSED
    (linked,) = [e for e in desk.events(new_id) if isinstance(e, Ticket.Linked)]
    assert linked.ticket_id == ticket_id


def test_a_forged_from_of_an_agent_gains_no_staff_rights(mail: MailDesk):
    desk = mail.desk
    agent = desk.helpdesk.register_person(
        name="John Doe",
        email="john.doe@desk.example",
        role=Role.AGENT,
        department_ids=[],
        intent=said(ADMIN, desk.clock),
    ).outcome.aggregate_id
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    number = desk.ticket(ticket_id).number

    sha = mail.deliver(fixture("forged_agent.eml").replace(b"12345678", number.encode()))

    state, reason, _ = mail.outcome(sha)
    assert state == "quarantined"
    assert "staff" in str(reason)
    assert all(e.actor_id != agent for e in desk.events(ticket_id))


@pytest.mark.parametrize(
    ("name", "state", "subject", "text"),
    [
        ("no_from.eml", "quarantined", None, "no From"),
        ("display_name_only_from.eml", "quarantined", None, "no single address"),
        ("latin1_8bit.eml", "done", "Café machine broken", "Le café est froid, désolé."),
        ("shift_jis_8bit.eml", "done", "プリンター故障", "印刷できません。助けてください。"),
        ("rfc2047_subject.eml", "done", "Ärger mit dem Drucker ☃", "Der Drucker druckt nicht."),
        ("html_only.eml", "done", "HTML only", "The VPN drops & reconnects.\n\nEvery 5 minutes."),
        ("nested_multipart.eml", "done", "Nested parts", "The plain text of a nested message."),
        ("malformed_boundary.eml", "done", "Broken boundary", None),
        ("bounce.eml", "automated", None, "mailer-daemon"),
        ("bulk.eml", "automated", None, "Precedence: bulk"),
    ],
)
def test_every_bad_message_ends_as_a_ticket_or_with_a_reason(
    mail: MailDesk, name: str, state: str, subject: str | None, text: str | None
):
    sha = mail.deliver(fixture(name))

    found, reason, ticket_id = mail.outcome(sha)
    assert found == state
    if state == "done":
        assert ticket_id is not None
        ticket = mail.desk.ticket(ticket_id)
        assert ticket.subject == subject
        if text is not None:
            assert ticket.messages[0].body == text
    else:
        assert ticket_id is None
        assert text is not None
        assert text in str(reason)


def test_a_huge_message_id_and_five_thousand_references_still_thread(mail: MailDesk):
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    (ack,) = mail.mails(ADA)
    references = " ".join(f"<{n}@junk.example>" for n in range(5000))
    raw = message(
        ADA,
        "Re: printer",
        "Still smoking.",
        f"<{'x' * 10_000}@customer.example>",
        References=f"{references} {ack['Message-ID']}",
    )

    assert mail.ticket_of(mail.deliver(raw)) == ticket_id
    (_, second) = mail.received(ticket_id)
    assert second.message_id is None  # too long to write back into a header


def test_at_most_one_acknowledgement_an_hour_goes_to_one_address(mail: MailDesk):
    for n in range(3):
        mail.deliver(message(ADA, f"Request {n}", "Help.", f"<many-{n}@customer.example>"))

    assert len(mail.mails(ADA)) == 1
    mail.desk.clock.advance(hours=1, seconds=1)
    mail.deliver(message(ADA, "Request 4", "Help.", "<many-4@customer.example>"))
    assert len(mail.mails(ADA)) == 2


def test_mail_to_a_departments_address_opens_the_ticket_there_and_is_answered_from_it(
    mail: MailDesk,
):
    desk = mail.desk
    billing = desk.helpdesk.define_department(
        "Billing", None, AssignMode.NONE, 7, 14, said(ADMIN, desk.clock), "billing@desk.example"
    ).aggregate_id

    sha = mail.deliver(
        fixture("new_request.eml", **{"support@desk.example": "billing@desk.example"})
    )

    assert desk.ticket(mail.ticket_of(sha)).department_id == billing
    (ack,) = mail.mails(ADA)
    assert ack["Reply-To"].addresses[0].addr_spec == "billing@desk.example"


def test_a_second_department_cannot_claim_an_address_taken(mail: MailDesk):
    desk = mail.desk
    desk.helpdesk.define_department(
        "Billing", None, AssignMode.NONE, 7, 14, said(ADMIN, desk.clock), "billing@desk.example"
    )

    with pytest.raises(Duplicate):
        desk.helpdesk.define_department(
            "Billing 2",
            None,
            AssignMode.NONE,
            7,
            14,
            said(ADMIN, desk.clock),
            "Billing@desk.example",
        )


def test_a_stranger_who_only_names_the_ticket_number_opens_a_ticket_of_their_own(
    mail: MailDesk,
):
    ticket_id = mail.ticket_of(mail.deliver(fixture("new_request.eml")))
    number = mail.desk.ticket(ticket_id).number

    sha = mail.deliver(
        message("eve@evil.example", f"Re: [#{number}]", "Tell me more.", "<eve-1@evil.example>")
    )

    assert mail.ticket_of(sha) != ticket_id
    assert mail.desk.ticket(ticket_id).collaborator_ids == []
