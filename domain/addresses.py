"""What an email field may hold: exactly one plain mailbox, in one canonical spelling.

The address becomes an SMTP envelope recipient and a `To:` header, so anything a mail
parser could read as more than one mailbox (a list, a group, a display name, angle
brackets, a route, a comment, a quoted local part, an encoded-word) is refused rather than
cleaned up: guessing which recipient was meant is how mail reaches an attacker.

Look-alikes must not become a second person, so the address is normalised before it is
stored and keyed:

- NFKC first: compatibility forms (fullwidth letters, `@` and `.`, mathematical letters,
  circled digits) become the plain characters they stand for, and only then is the
  grammar checked, so a fullwidth comma or bracket is refused like the ASCII one.
- Invisible characters are refused, not dropped: control, format (zero-width, bidi, soft
  hyphen), private-use, unassigned and surrogate code points, every space, and the
  other default-ignorable code points (variation selectors, Hangul fillers, tags).
- The local part must then be an ASCII dot-atom (RFC 5322) without `%` and `!`, which
  some relays still read as routes to another host (`v%evil.test@relay`,
  `evil.test!v@relay`). Non-ASCII local parts are refused: the standard library has no
  script data to tell a Latin `c` from a Cyrillic U+0441, and the notifier's SMTP client
  cannot count on the server offering SMTPUTF8. The local part keeps its case (RFC 5321
  lets a server treat it as significant); the key lowers it.
- The domain is stored in its IDNA ASCII form, so a mixed-script domain (`example.com`
  with a Cyrillic U+0430 for the `a`) is visibly `xn--exmple-4nf.com`, and the punycode
  spelling of a domain claims the same key as its Unicode one. The conversion is the
  standard library's codec (IDNA 2003), because `domain/` imports nothing else and this
  is the one place the rule lives. A label is accepted only if it holds letters, marks,
  digits and hyphens (as IDNA 2008 requires) and the codec converts it without
  remapping a character, so the labels where IDNA 2003 and 2008 disagree (sharp s
  U+00DF and final sigma U+03C2, which 2003 maps to `ss` and U+03C3) are refused rather
  than delivered to another domain.

For a plain ASCII address the key is `address.lower()`, the key used before this module
existed, so stored email claims keep their index ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses
from encodings import idna
from typing import NoReturn

from .errors import InvalidInput

EMAIL_MIN = len("a@b.c")
EMAIL_MAX = 254
LOCAL_MAX = 64
LABEL_MAX = 63

_FIELD = "email"
_EXAMPLE = "like name@example.com"
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_LABEL_CATEGORIES = frozenset({"Ll", "Lu", "Lt", "Lm", "Lo", "Mn", "Mc", "Nd"})
# Unicode's Default_Ignorable_Code_Point ranges: rendered as nothing.
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_ATOM = r"[A-Za-z0-9#$&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_SEPARATORS = frozenset(',;:<>()[]"\\')


@dataclass(frozen=True)
class Mailbox:
    """`address` is stored and mailed to; `key` makes it unique among people."""

    address: str
    key: str


def mailbox(value: str) -> Mailbox:
    """Validates an email field and returns its canonical mailbox, or raises
    `InvalidInput("email", ...)` saying what is wrong."""
    if len(value) > EMAIL_MAX:
        _refuse(f"email must be at most {EMAIL_MAX} characters")
    _require_visible(value)
    text = unicodedata.normalize("NFKC", value)
    _require_visible(text)
    local, domain = _split(text)
    address = f"{_local_part(local)}@{_domain(domain)}"
    if len(address) > EMAIL_MAX:
        _refuse(f"email must be at most {EMAIL_MAX} characters once its domain is spelled in ASCII")
    _require_one_mailbox(address)
    local, _, domain = address.rpartition("@")
    return Mailbox(address=address, key=f"{local.lower()}@{domain}")


def _refuse(detail: str) -> NoReturn:
    raise InvalidInput(_FIELD, detail)


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) in _REFUSED_CATEGORIES or any(
        low <= code <= high for low, high in _IGNORABLE
    )


def _require_visible(text: str) -> None:
    if any(_invisible(char) for char in text):
        _refuse("email must not contain spaces, control, format or other invisible characters")


def _split(text: str) -> tuple[str, str]:
    if "=?" in text:
        _refuse("email must not contain an encoded-word (=?...?=)")
    if text.count("@") != 1 or _SEPARATORS.intersection(text):
        _refuse(
            f"email must be exactly one plain address {_EXAMPLE}: no lists, display names, "
            "angle brackets, quotes, comments or routes"
        )
    local, _, domain = text.partition("@")
    if not local or not domain:
        _refuse(f"email needs a name before @ and a domain after it, {_EXAMPLE}")
    return local, domain


def _local_part(local: str) -> str:
    if not _DOT_ATOM.fullmatch(local):
        _refuse(
            "the part of email before @ must be ASCII letters, digits and #$&'*+-/=?^_`{|}~ "
            "in dot-separated runs"
        )
    if len(local) > LOCAL_MAX:
        _refuse(f"the part of email before @ must be at most {LOCAL_MAX} characters")
    return local


def _domain(domain: str) -> str:
    labels = domain.lower().split(".")
    if len(labels) < 2:
        _refuse(f"the domain of email needs a dot, {_EXAMPLE}")
    ascii_labels = [_ascii_label(label) for label in labels]
    if ascii_labels[-1].isdigit():
        _refuse("the domain of email must be a name, not a numeric address")
    return ".".join(ascii_labels)


def _ascii_label(label: str) -> str:
    """The label as DNS spells it; an `xn--` label must be the spelling of a valid one."""
    unicode_label = label
    if label.isascii() and label.startswith("xn--"):
        unicode_label = _decoded(label)
    elif label.isascii():
        return _ldh(label)
    if not all(
        unicodedata.category(char) in _LABEL_CATEGORIES or char == "-" for char in unicode_label
    ):
        _refuse(f"the domain of email may hold letters, digits and hyphens, not {label!r}")
    try:
        encoded = idna.ToASCII(unicode_label).decode("ascii")
    except UnicodeError:
        _refuse(f"the domain of email has a label that is not a valid name: {label!r}")
    if _decoded(encoded) != unicode_label or (label.isascii() and encoded != label):
        _refuse(f"the domain of email has a label that IDNA would spell differently: {label!r}")
    return _ldh(encoded)


def _decoded(ascii_label: str) -> str:
    try:
        decoded: str = idna.ToUnicode(ascii_label)
    except UnicodeError:
        _refuse(f"the domain of email has a label that is not valid punycode: {ascii_label!r}")
    return decoded


def _ldh(label: str) -> str:
    if len(label) > LABEL_MAX or not _LDH_LABEL.fullmatch(label):
        _refuse("each name in the domain of email must be 1 to 63 letters, digits or inner hyphens")
    return label


def _require_one_mailbox(address: str) -> None:
    """A last check by the parsers that will read the address: one mailbox, no display name."""
    try:
        parsed = Address(addr_spec=address)
    except (HeaderParseError, ValueError, IndexError):
        _refuse(f"email must be exactly one plain address {_EXAMPLE}")
    if str(parsed) != address or getaddresses([address]) != [("", address)]:
        _refuse(f"email must be exactly one plain address {_EXAMPLE}")
