"""An email field holds exactly one mailbox, and look-alikes of a registered one are refused.

Each probe is an example of a class (issue 10, findings 3 and 7): address lists, display
names, route and group syntax, comments, quoting, encoded-words, invisible characters and
compatibility forms. A refused registration records nothing: the log head and the people
listed stay as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Caller
from .helpers import log_head, ok, problem

ROUTES = ("/v1/customers", "/v1/agents")

SEVERAL_RECIPIENTS = {
    "comma list": "victim@example.com,attacker@evil.test",
    "comma and space": "victim@example.com, attacker@evil.test",
    "semicolon list": "victim@example.com;attacker@evil.test",
    "closing bracket": "v3@example.com>,<attacker3@evil.test",
    "angle brackets": "<v@example.com>",
    "display name": "Victim <v@example.com>",
    "quoted display name": '"Victim" <v@example.com>',
    "display name holding an address": '"v@example.com" <attacker@evil.test>',
    "group": "undisclosed:v@example.com,attacker@evil.test;",
    "empty group": "undisclosed-recipients:;",
    "route": "@evil.test:v@example.com",
    "percent hack": "v%evil.test@example.com",
    "bang path": "evil.test!v@example.com",
    "comment after": "v@example.com(attacker@evil.test)",
    "comment in local part": "v(c)@example.com",
    "quoted local part with comma": '"v,attacker"@example.com',
    "quoted local part": '"v"@example.com',
    "backslash": "v\\@example.com",
    "two at signs": "v@attacker@evil.test",
    "domain literal": "v@[127.0.0.1]",
    "encoded word as local part": "=?utf-8?q?attacker=40evil.test?=@example.com",
    "base64 encoded word": "=?utf-8?b?YXR0YWNrZXJAZXZpbC50ZXN0?=@example.com",
    "encoded word after": "v=?utf-8?q?x?=@example.com",
    "space inside": "v @example.com",
    "leading space": " v@example.com",
    "trailing space": "v@example.com ",
    "tab": "v@example.com\tattacker@evil.test",
    "line break": "v@example.com\r\nBcc: attacker@evil.test",
    "fullwidth comma": "v@example.com\uff0cattacker@evil.test",
    "fullwidth angle brackets": "\uff1cv@example.com\uff1e",
}

MALFORMED = {
    "no at sign": "v.example.com",
    "empty local part": "@example.com",
    "empty domain": "v@",
    "no dot in domain": "v@localhost",
    "leading dot": ".v@example.com",
    "trailing dot in local part": "v.@example.com",
    "double dot": "v..w@example.com",
    "trailing dot in domain": "v@example.com.",
    "empty label": "v@example..com",
    "label starting with a hyphen": "v@-example.com",
    "label ending with a hyphen": "v@example-.com",
    "underscore in domain": "v@ex_ample.com",
    "numeric top-level domain": "v@127.0.0.1",
    "local part of 65": "v" * 65 + "@example.com",
    "label of 64": "v@" + "e" * 64 + ".com",
    "255 in all": "v" * 64 + "@" + ".".join(["d" * 63, "d" * 63, "d" * 58, "com"]),
    "broken punycode": "v@xn--abc.com",
    "non-ASCII local part": "v\u00e9@example.com",
    "symbol in domain": "v@\u2603.com",
}

INVISIBLE = {
    "zero-width space": "c1@example.com\u200b",
    "zero-width space inside": "c1@exam\u200bple.com",
    "zero-width joiner": "c1@exa\u200dmple.com",
    "zero-width non-joiner": "c\u200c1@example.com",
    "word joiner": "c1\u2060@example.com",
    "byte order mark": "\ufeffc1@example.com",
    "soft hyphen": "c1@exam\u00adple.com",
    "right-to-left override": "c1@\u202eexample.com",
    "left-to-right mark": "c1@example.com\u200e",
    "bidi isolate": "c1@\u2066example\u2069.com",
    "variation selector": "c1@exa\ufe0fmple.com",
    "combining grapheme joiner": "c1@exa\u034fmple.com",
    "hangul filler": "c1@exa\u3164mple.com",
    "no-break space": "c1@example.com\u00a0",
    "ideographic space": "c1\u3000@example.com",
    "private use": "c1@exa\ue000mple.com",
    "unassigned": "c1@exa\u0378mple.com",
    "tag character": "c1@example.com\U000e0041",
}

LOOK_ALIKES = {
    "upper case": "C1@EXAMPLE.COM",
    "fullwidth letter": "\uff431@example.com",
    "fullwidth everything": "\uff43\uff11\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",
    "mathematical letters": "\U0001d41c1@example.com",
    "roman numeral": "\u217d1@example.com",
    "circled digit": "c\u2460@example.com",
    "upper case domain": "c1@EXAMPLE.com",
    "fullwidth full stop": "c1@example\uff0ecom",
}


def people(admin: Caller, route: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(admin.get(route))["items"]
    return items


def assert_refused(admin: Caller, email: str, status: int) -> None:
    """Each route answers `status` naming the field (400) and records nothing."""
    for route in ROUTES:
        head, before = log_head(admin), people(admin, route)
        answer = admin.post(route, {"name": "Eve", "email": email})
        problem(answer, status, field="email" if status == 400 else None)
        assert log_head(admin) == head, email
        assert people(admin, route) == before, email


@pytest.mark.parametrize("email", SEVERAL_RECIPIENTS.values(), ids=SEVERAL_RECIPIENTS.keys())
def test_an_email_field_holding_more_than_one_plain_address_is_refused(
    admin: Caller, email: str
) -> None:
    assert_refused(admin, email, 400)


@pytest.mark.parametrize("email", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_address_is_refused_naming_the_field(admin: Caller, email: str) -> None:
    assert_refused(admin, email, 400)


@pytest.mark.parametrize("email", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_address_with_an_invisible_character_is_refused(admin: Caller, email: str) -> None:
    ok(admin.post("/v1/customers", {"name": "C One", "email": "c1@example.com"}), 201)
    assert_refused(admin, email, 400)


@pytest.mark.parametrize("email", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_a_registered_address_is_a_duplicate(admin: Caller, email: str) -> None:
    ok(admin.post("/v1/customers", {"name": "C One", "email": "c1@example.com"}), 201)
    assert_refused(admin, email, 409)


def test_a_look_alike_registered_first_is_stored_plain_and_the_plain_one_collides(
    admin: Caller,
) -> None:
    first = ok(admin.post("/v1/customers", {"name": "C", "email": "\uff431@\uff45xample.com"}), 201)
    assert first["email"] == "c1@example.com"
    assert_refused(admin, "c1@example.com", 409)


def test_a_mixed_script_domain_is_stored_in_its_visible_punycode_form(admin: Caller) -> None:
    ok(admin.post("/v1/customers", {"name": "C One", "email": "c1@example.com"}), 201)
    cyrillic = ok(admin.post("/v1/customers", {"name": "C", "email": "c1@ex\u0430mple.com"}), 201)
    assert cyrillic["email"] == "c1@xn--exmple-4nf.com"
    assert ok(admin.get(f"/v1/customers/{cyrillic['id']}"))["email"] == "c1@xn--exmple-4nf.com"
    assert_refused(admin, "c1@xn--exmple-4nf.com", 409)
    assert_refused(admin, "c1@EX\u0410MPLE.com", 409)


def test_an_internationalised_domain_is_stored_in_punycode(admin: Caller) -> None:
    person = ok(admin.post("/v1/agents", {"name": "M", "email": "Max@M\u00fcnchen.example"}), 201)
    assert person["email"] == "Max@xn--mnchen-3ya.example"
    assert_refused(admin, "max@xn--mnchen-3ya.example", 409)


def test_a_domain_that_idna_2003_and_2008_spell_differently_is_refused(admin: Caller) -> None:
    # IDNA 2003 maps ß to ss, IDNA 2008 keeps it: the mail could reach another domain.
    assert_refused(admin, "v@stra\u00dfe.example", 400)


def test_a_plain_address_keeps_its_local_part_case_and_lowers_its_domain(admin: Caller) -> None:
    person = ok(
        admin.post("/v1/customers", {"name": "Jo", "email": "Jo.Doe+desk@Example.COM"}), 201
    )
    assert person["email"] == "Jo.Doe+desk@example.com"
    assert_refused(admin, "jo.doe+desk@example.com", 409)


def test_an_address_of_exactly_the_limits_is_accepted(admin: Caller) -> None:
    local = "v" * 64
    domain = ".".join(["d" * 63, "d" * 63, "d" * 57, "com"])
    email = f"{local}@{domain}"
    assert len(email) == 254
    assert ok(admin.post("/v1/customers", {"name": "Long", "email": email}), 201)["email"] == email
