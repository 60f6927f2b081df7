"""Mail header values from text the desk does not control (subjects, addresses, message
ids; display names, filenames and threading headers belong here too): the one place they
are built, so nothing a user wrote can become a line break, a second header, or an
encoded-word that the reader's mail program decodes.

Why not just assign them under `email.policy.default`: that policy parses every value it
is given, and on Python 3.11.7 decodes the RFC 2047 encoded-words in it and writes the
CR/LF inside them out as real line breaks (CVE-2024-6923), so the plain-ASCII subject
`=?utf-8?q?x=0D=0ABcc:_a@evil.test?=` became a `Bcc:` line. Here free text is cleaned of
everything that ends a line and then always written as encoded-words of our own
(`email.header.Header`), whose content no reader parses as header syntax, so a user's own
`=?...?=` reads back as the literal text it was. Structured values (addresses, message
ids) are checked against their grammar and refused with `UnsafeHeader`, never repaired:
a repaired address would be mail to someone else.
"""

from __future__ import annotations

import re
import unicodedata
from email.header import Header
from email.headerregistry import Address
from email.utils import getaddresses

_NOT_ON_ONE_LINE = frozenset({"Cc", "Cs", "Zl", "Zp"})
"""Control characters (C0 with CR, LF, VT, FF, FS, GS, RS, NUL; DEL; C1 with NEL), lone
surrogates, and the Unicode line and paragraph separators: every character
`str.splitlines` splits on is among them."""

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
"""A dot-atom local part and a host name, in ASCII: no quoted local parts, no domain
literals, no room for a display name, comment, comma or angle bracket."""
_MSG_ID = re.compile(rf"<{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*>")


class UnsafeHeader(ValueError):
    """A value that cannot be written as the header it is meant to be."""


def clean(text: str) -> str:
    """`text` on one line: each character that is not on a line of text becomes a space."""
    return "".join(" " if unicodedata.category(c) in _NOT_ON_ONE_LINE else c for c in text)


def unstructured(text: str, name: str) -> Header:
    """Free text (a subject): cleaned, then encoded-words whatever it holds. `name` is
    the header's, for the length of its first line."""
    return Header(clean(text), "utf-8", header_name=name)


def addr_spec(address: str) -> str:
    """`address` when it is exactly one bare addr-spec, `local@domain`, checked by our
    grammar and by both of the standard library's address parsers."""
    reason = None
    if not _ADDR_SPEC.fullmatch(address):
        reason = "it is not of the form name@example.com"
    elif "=?" in address:
        reason = "it holds encoded-word syntax"
    elif getaddresses([address]) != [("", address)] or _parsed(address) != address:
        reason = "it does not read back as one address"
    if reason is not None:
        raise UnsafeHeader(f"{address!r} is not one plain address: {reason}")
    return address


def mailbox(name: str, address: str, header: str) -> Header | str:
    """`Name <address>` for From, To and Reply-To: the address checked as `addr_spec`
    does, the name (a customer's, the desk's) always as encoded-words of our own, so no
    comma, bracket or quote in it can make a second mailbox. No name: the bare address."""
    address = addr_spec(address)
    name = clean(name).strip()
    if not name:
        return address
    value = Header(name, "utf-8", header_name=header)
    value.append(f" <{address}>", "us-ascii")
    return value


def msg_ids(values: list[str]) -> str:
    """In-Reply-To or References: message ids, each checked, one space apart (folded
    at the spaces by the policy)."""
    return " ".join(msg_id(v) for v in values)


def msg_id(value: str) -> str:
    """A Message-ID (or an In-Reply-To or References entry): `<left@right>`, dot-atoms."""
    if not _MSG_ID.fullmatch(value):
        raise UnsafeHeader(f"{value!r} is not a message id like <id@host>")
    return value


def _parsed(address: str) -> str | None:
    try:
        return Address(addr_spec=address).addr_spec
    except (ValueError, IndexError):
        return None
