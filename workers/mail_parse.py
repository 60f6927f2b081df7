"""What an inbound message says, read with the standard library's `email` package
(policy `default`): who sent it, what it answers, its subject and its new text, and
whether a machine wrote it. Anything it cannot read is `Unreadable`, with the reason
the quarantine shows; nothing here raises anything else for any bytes.

8-bit header bytes (which RFC 5322 forbids, and mail programs still send) are decoded
as UTF-8, else in the charset the message declares for its text, else as ISO-8859-1,
which decodes anything. The new text is the plain part, else the HTML part as text,
cut above the quoted history (`> ` lines, "On ... wrote:", Outlook's original-message
block). The files are its attachment parts: `Content-Disposition: attachment`, or a named
part that is not text (the bodies are never files).
"""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from domain.addresses import mailbox
from domain.errors import InvalidInput
from domain.people import NAME_MAX
from domain.policy import BODY_MAX, SUBJECT_MAX

from .headers import clean

_ID = re.compile(r"<[^<>\s]{1,998}>")
_NUMBER = re.compile(r"\[#(\d{8})\]")
_MACHINES = frozenset({"mailer-daemon", "postmaster"})
_QUOTE_STARTS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$"),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*From:\s.+$"),
)
_ROUTED_BY = ("Delivered-To", "X-Original-To", "To", "Cc")
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})


class Unreadable(ValueError):
    """A message that cannot become a ticket; the text is the quarantine's reason."""


@dataclass(frozen=True)
class MailFile:
    """An attachment part as the sender named and typed it (cleaned by the domain)."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Inbound:
    message_id: str | None
    answers: list[str]
    """In-Reply-To, then References, newest last: the ids it may answer."""
    sender_name: str
    sender: str
    recipients: list[str]
    subject: str
    number: str | None
    body: str
    automated: str | None
    """Why a machine wrote it (RFC 3834 and the usual signs), or None."""
    files: tuple[MailFile, ...] = ()


def parse(raw: bytes) -> Inbound:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as e:  # the parser is meant never to raise; a bug is this message's
        raise Unreadable(f"the message cannot be parsed: {e!r}") from None
    assert isinstance(message, EmailMessage)
    charsets = [c for c in message.get_charsets() if c]
    header = _HeaderReader(message, charsets)
    name, sender = header.sender()
    subject = clean(header.text("Subject")).strip()[:SUBJECT_MAX] or "(no subject)"
    return Inbound(
        message_id=_first_id(header.text("Message-ID")),
        answers=_ids(header.text("References"))[-200:] + _ids(header.text("In-Reply-To")),
        sender_name=name,
        sender=sender,
        recipients=[a for h in _ROUTED_BY for a in header.addresses(h)],
        subject=subject,
        number=(m.group(1) if (m := _NUMBER.search(subject)) else None),
        body=_new_text(_text_of(message)),
        automated=_automated(message, header, sender),
        files=_files(message),
    )


class _HeaderReader:
    def __init__(self, message: EmailMessage, charsets: list[str]) -> None:
        self.message = message
        self.charsets = charsets

    def text(self, name: str) -> str:
        """The header's value, encoded-words decoded, 8-bit bytes decoded; '' if absent.
        Read from the raw value: the parsed one has already replaced 8-bit bytes."""
        raw = next((v for k, v in self.message.raw_items() if k.lower() == name.lower()), None)
        if raw is None:
            return ""
        value = self._decoded(str(raw)).replace("\r", "").replace("\n", "")
        try:
            return str(email.policy.default.header_factory(name, value))
        except Exception:
            return value

    def _decoded(self, value: str) -> str:
        if not any("\udc80" <= c <= "\udcff" for c in value):
            return value
        data = value.encode("utf-8", "surrogateescape")
        for charset in ("utf-8", *self.charsets, "iso-8859-1"):
            try:
                return data.decode(charset)
            except (UnicodeDecodeError, LookupError):
                continue
        return data.decode("iso-8859-1")

    def addresses(self, name: str) -> list[str]:
        value = self.text(name)
        if not value:
            return []
        try:
            parsed = email.policy.default.header_factory(name, value)
            return [a.addr_spec for a in getattr(parsed, "addresses", ()) if a.addr_spec]
        except Exception:
            return []

    def sender(self) -> tuple[str, str]:
        value = self.text("From")
        if not value.strip():
            raise Unreadable("the message has no From")
        try:
            found = email.policy.default.header_factory("From", value).addresses
        except Exception:
            found = ()
        if len(found) != 1 or not found[0].username or not found[0].domain:
            raise Unreadable(f"the From names no single address: {clean(value)[:200]!r}")
        try:
            address = mailbox(found[0].addr_spec).address
        except InvalidInput as e:
            raise Unreadable(f"the From address is unusable: {e}") from None
        name = clean(found[0].display_name).strip()[:NAME_MAX]
        return name, address


def _ids(value: str) -> list[str]:
    return _ID.findall(value)


def _first_id(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    found = _ID.search(value)
    return found.group(0) if found else value


def _automated(message: EmailMessage, header: _HeaderReader, sender: str) -> str | None:
    auto = header.text("Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = header.text("Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in message:
            return f"{name} present"
    if sender.split("@")[0].lower() in _MACHINES:
        return f"sent by {sender.split('@')[0].lower()}"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return None


def _text_of(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        if message.get_content_maintype() != "text":
            return ""
        part = message
    text = _content(part)
    return _html_text(text) if part.get_content_subtype() == "html" else text


def _files(message: EmailMessage) -> tuple[MailFile, ...]:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    found = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        if (file := _file(part)) is not None:
            found.append(file)
    return tuple(found)


def _file(part: Message) -> MailFile | None:
    try:
        return _read_file(part)
    except Exception:  # a part that cannot be read is no file; the message still is
        return None


def _read_file(part: Message) -> MailFile | None:
    name = part.get_filename()
    if part.get_content_disposition() != "attachment" and (
        name is None or part.get_content_maintype() == "text"
    ):
        return None
    data = part.get_payload(decode=True)
    return MailFile(name, part.get_content_type(), data) if isinstance(data, bytes) else None


def _content(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except Exception:  # an unknown charset, broken encoding: what can be read of it
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style", "head"):
            self.skipping += 1
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)


def _html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _new_text(text: str) -> str:
    """The text above the quoted history, fit for a ticket's message."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if kept and any(p.match(line) for p in _QUOTE_STARTS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    body = "\n".join(kept).strip() or text.strip()
    body = "".join(
        c if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") else " " for c in body
    )
    return body[:BODY_MAX].strip() or "(no text)"
