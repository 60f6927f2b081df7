"""A Mail as it goes to the SMTP server: plain text and HTML alternatives, every header
value built by `headers`, flattened to ASCII bytes with CRLF line ends.

The message is built under `compat32`, the policy that stores header values as given
and writes `Header` objects as their encoded-words; `email.policy.default` would parse
our values again (see `headers`). The flattened message is read back before it is
handed over, and must carry exactly the headers meant: a last check, so that a future
bug of the same class is a message set aside, not a header injected.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime
from typing import Any

from . import headers, mail_attachments
from .mail import Mail

_WIRE = compat32.clone(linesep="\r\n")
_TOP = ("Content-Type", "MIME-Version", "Message-ID", "Date", "From", "To", "Subject")
_PART = ("Content-Type", "MIME-Version", "Content-Transfer-Encoding")


def render(
    mail: Mail,
    sender: str,
    at: datetime,
    sender_name: str = "",
    blobs: mail_attachments.BlobSource | None = None,
) -> bytes:
    """The message from `sender` (by the name `sender_name`) to the mail's one recipient,
    dated `at`, threaded by its In-Reply-To and References, its attachments read from
    `blobs`; raises `headers.UnsafeHeader` (a ValueError) when it cannot be written
    safely."""
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(mail.text, "plain", "utf-8"))
    alternative.attach(MIMEText(mail.html, "html", "utf-8"))
    message = mail_attachments.enclose(alternative, mail, blobs)
    # typeshed types these values as str; a Header is compat32's documented other kind
    top: dict[str, Any] = {
        "Message-ID": headers.msg_id(mail.message_id),
        "Date": format_datetime(at),
        "From": headers.mailbox(sender_name, sender, "From"),
        "To": headers.mailbox(mail.recipient_name, mail.recipient, "To"),
        "Subject": headers.unstructured(mail.subject, "Subject"),
    }
    if mail.reply_to:
        top["Reply-To"] = headers.mailbox(sender_name, mail.reply_to, "Reply-To")
    if mail.in_reply_to is not None:
        top["In-Reply-To"] = headers.msg_id(mail.in_reply_to)
    if mail.references:
        top["References"] = headers.msg_ids(list(mail.references))
    if mail.automatic:
        top["Auto-Submitted"] = "auto-generated"
    for name, value in top.items():
        message[name] = value
    raw = message.as_bytes(policy=_WIRE)
    _require_only_the_headers_meant(raw, mail, sorted({*_TOP, *top}))
    _require_one_mailbox_each(raw, {"To": mail.recipient, "From": sender})
    return raw


def _require_only_the_headers_meant(raw: bytes, mail: Mail, top: list[str]) -> None:
    back = email.message_from_bytes(raw, policy=email.policy.default)
    found = [sorted(back.keys()), *(sorted(part.keys()) for part in back.iter_parts())]
    meant = [top, *mail_attachments.part_headers(mail, _PART)]
    if found != meant:
        raise headers.UnsafeHeader(f"the message would carry the headers {found}")


def _require_one_mailbox_each(raw: bytes, meant: dict[str, str]) -> None:
    """Each address header reads back as exactly the one mailbox meant, whatever the
    display name held."""
    back = email.message_from_bytes(raw, policy=email.policy.default)
    for name, address in meant.items():
        found = [a.addr_spec for a in back[name].addresses]
        if found != [address]:
            raise headers.UnsafeHeader(f"{name} would name {found}, not {address!r}")
