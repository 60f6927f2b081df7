"""The desk's mail names people and threads: whatever a display name holds, From, To and
Reply-To each read back as exactly the one mailbox meant; In-Reply-To and References are
message ids or no mail is built; automatic notices say so (RFC 3834)."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workers.headers import UnsafeHeader, clean
from workers.mail import Mail
from workers.wire import render

DESK = "support@desk.example"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAMES = st.text() | st.sampled_from(
    [
        'Alex "the boss" <boss@evil.test>, victim@example.com',
        "=?utf-8?q?x=0D=0ABcc:_a@evil.test?=",
        "Alex\r\nBcc: a@evil.test",
        "山田 太郎",
        "Zoë; <x@y>",
        "\u2028",
    ]
)


def threaded(**changes: object) -> Mail:
    mail = Mail(
        message_id="<6f1c8f0e@ticketing>",
        recipient="alex@example.com",
        subject="[#12345678] Printer down",
        text="Hi",
        html="<p>Hi</p>",
        position=1,
        recipient_name="Alex Example",
        in_reply_to="<first@customer.example>",
        references=("<first@customer.example>", "<2@ticketing>"),
        reply_to=DESK,
        automatic=True,
    )
    return replace(mail, **changes)  # type: ignore[arg-type]


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def squeezed(text: str) -> str:
    return "".join(text.split())


@given(NAMES, NAMES)
def test_any_display_name_reads_back_as_one_mailbox_with_the_address_meant(
    customer: str, desk: str
) -> None:
    raw = render(threaded(recipient_name=customer), DESK, AT, desk)

    message = parsed(raw)
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    for header, address, name in (
        ("To", "alex@example.com", customer),
        ("From", DESK, desk),
        ("Reply-To", DESK, desk),
    ):
        (mailbox,) = message[header].addresses
        assert mailbox.addr_spec == address
        assert squeezed(mailbox.display_name) == squeezed(clean(name))
    assert not {"Bcc", "Cc", "X-Injected"} & set(message.keys())


def test_the_desk_mail_threads_dates_and_marks_itself_automatic() -> None:
    message = parsed(render(threaded(), DESK, AT, "IT Help Desk"))

    assert message["To"] == "Alex Example <alex@example.com>"
    assert message["From"] == "IT Help Desk <support@desk.example>"
    assert message["Reply-To"] == "IT Help Desk <support@desk.example>"
    assert message["Date"] == "Mon, 02 Mar 2026 09:00:00 +0000"
    assert message["In-Reply-To"] == "<first@customer.example>"
    assert message["References"].split() == ["<first@customer.example>", "<2@ticketing>"]
    assert message["Auto-Submitted"] == "auto-generated"


def test_an_agent_reply_is_not_marked_automatic() -> None:
    message = parsed(render(threaded(automatic=False), DESK, AT))

    assert "Auto-Submitted" not in message


def test_a_long_thread_folds_into_lines_a_server_accepts() -> None:
    references = tuple(f"<{n}-{'x' * 40}@ticketing>" for n in range(20))
    raw = render(threaded(references=references), DESK, AT)

    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert tuple(parsed(raw)["References"].split()) == references


@pytest.mark.parametrize(
    "changes",
    [
        {"in_reply_to": "<a@b>\r\nBcc: x@evil.test"},
        {"in_reply_to": "no-brackets@host"},
        {"references": ("<ok@host>", "<a@b> <c@d>")},
        {"reply_to": "desk@example.com, attacker@evil.test"},
        {"recipient": "Alex <alex@example.com>"},
    ],
    ids=["crlf-in-reply-to", "bare-id", "two-in-one", "two-reply-to", "named-recipient"],
)
def test_a_threading_or_address_value_off_its_grammar_builds_no_mail(
    changes: dict[str, object],
) -> None:
    with pytest.raises(UnsafeHeader):
        render(threaded(**changes), DESK, AT)  # type: ignore[arg-type]
