"""Mail as it goes on the wire, from text nobody at the desk controls: whatever a subject
holds (encoded-word syntax, CR, LF, Unicode line separators, NUL, any other character),
the raw message reads back with exactly the headers meant and the subject as written,
on one line; an address is exactly one plain addr-spec or no mail is built for it."""

from __future__ import annotations

import email
import email.policy
import sys
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workers.headers import UnsafeHeader, addr_spec, clean
from workers.mail import Mail
from workers.wire import render

SENDER = "ticketing@localhost"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOP = {"Content-Type", "MIME-Version", "Message-ID", "Date", "From", "To", "Subject"}
PART = {"Content-Type", "MIME-Version", "Content-Transfer-Encoding"}

PROBE = "=?utf-8?q?Printer_down=0D=0AReply-To:_phish@evil.test=0D=0AX-Injected:_yes?="
"""The subject of the live probe: plain ASCII that decodes to two more header lines."""
BCC_PROBE = "=?utf-8?q?Printer_down=0D=0ABcc:_everyone@evil.test?="

HOSTILE = st.sampled_from(
    [
        "=?utf-8?q?",
        "=?utf-8?b?",
        "?=",
        "=0D=0A",
        "_Bcc:_x@evil.test",
        "DQpCY2M6IHhAZXZpbC50ZXN0",  # base64 of "\r\nBcc: x@evil.test"
        "\r",
        "\n",
        "\r\n",
        "\u2028",
        "\u2029",
        "\x85",
        "\x00",
        "\x0b",
        "\x0c",
        "\x1c",
        "\t",
        " ",
        "Bcc: x@evil.test",
        "\r\nX-Injected: yes",
        "é",
        "\U0001f600",
    ]
)
SUBJECTS = st.text() | st.lists(HOSTILE | st.text(max_size=4), max_size=30).map("".join)


def mail(subject: str = "Hello", recipient: str = "alex@example.com", text: str = "Hi") -> Mail:
    return Mail(
        message_id="<6f1c8f0e-7c59-4a39-9d0c-5a1d8a6f2b10@ticketing>",
        recipient=recipient,
        subject=subject,
        text=text,
        html=f"<p>{text}</p>",
        position=1,
    )


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@given(SUBJECTS, st.text())
def test_any_subject_reads_back_as_written_on_one_line_among_exactly_the_headers_meant(
    subject: str, body: str
) -> None:
    raw = render(mail(subject, text=body), SENDER, AT)

    message = parsed(raw)
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert sorted(message.keys()) == sorted(TOP)
    assert message["Subject"] == clean(subject)
    assert message["To"] == "alex@example.com"
    assert [sorted(part.keys()) for part in message.iter_parts()] == [sorted(PART)] * 2
    plain = message.get_body(("plain",))
    assert plain is not None
    assert plain.get_content() == body


@pytest.mark.parametrize("subject", [PROBE, BCC_PROBE], ids=["reply-to", "bcc"])
def test_encoded_words_in_a_subject_stay_the_literal_text_the_user_typed(subject: str) -> None:
    message = parsed(render(mail(subject), SENDER, AT))

    assert message["Subject"] == subject
    assert not {"Reply-To", "X-Injected", "Bcc"} & set(message.keys())


def test_every_character_that_ends_a_line_or_is_a_control_becomes_a_space() -> None:
    breaking = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if not 0xD800 <= c <= 0xDFFF and len(f"a{chr(c)}b".splitlines()) > 1
    ]
    controls = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]

    assert clean("".join(breaking + controls + ["\ud800"])) == " " * (
        len(breaking) + len(controls) + 1
    )
    assert (
        clean("Printer down: é ☃ \u200b =?utf-8?q?x?=") == "Printer down: é ☃ \u200b =?utf-8?q?x?="
    )


@given(st.text())
def test_clean_text_has_one_line_and_no_control_characters(text: str) -> None:
    cleaned = clean(text)

    assert len(cleaned) == len(text)
    assert len(f"a{cleaned}b".splitlines()) == 1
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in cleaned)


@pytest.mark.parametrize(
    "address",
    [
        "victim@example.com,attacker@evil.test",
        "v3@example.com>,<attacker3@evil.test",
        "victim@example.com;attacker@evil.test",
        "Victim <victim@example.com>",
        "<victim@example.com>",
        '"victim"@example.com',
        "victim@example.com (comment)",
        "=?utf-8?q?victim=0D=0A?=@example.com",
        "=?utf-8?q?victim@example.com=2C_attacker@evil.test?=",
        "victim@=?utf-8?q?example.com?=",
        "vic tim@example.com",
        "victim@example.com\n",
        "victim@example.com\r\nBcc: attacker@evil.test",
        "victim@example.com\u2028",
        "victim@example.com\x00",
        "victim@example.com\u200b",
        "victim@ex\u0430mple.com",  # a Cyrillic a
        "vïctim@example.com",
        "victim@@example.com",
        "victim@",
        "@example.com",
        "victim",
        "victim.@example.com",
        "victim@example..com",
        "victim@[127.0.0.1]",
        "",
    ],
)
def test_an_address_that_is_not_exactly_one_plain_addr_spec_builds_no_mail(address: str) -> None:
    with pytest.raises(UnsafeHeader):
        addr_spec(address)
    with pytest.raises(UnsafeHeader):
        render(mail(recipient=address), SENDER, AT)


@pytest.mark.parametrize(
    "address",
    ["alex@example.com", "o'brien+desk@mail.example.co.uk", "a.b-c_d@x-y.example", SENDER],
)
def test_a_plain_address_is_written_as_it_is(address: str) -> None:
    assert addr_spec(address) == address
    message = parsed(render(mail(recipient=address), SENDER, AT))
    assert message["To"] == address
    assert message["From"] == SENDER


def test_an_unusable_sender_builds_no_mail() -> None:
    with pytest.raises(UnsafeHeader):
        render(mail(), "desk@example.com, attacker@evil.test", AT)
