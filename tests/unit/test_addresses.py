"""One mailbox per email field: over arbitrary Unicode, every input is either refused naming
`email` or becomes one plain addr-spec that mail parsers read back unchanged."""

from __future__ import annotations

import string
from email.headerregistry import Address
from email.utils import getaddresses
from uuid import UUID

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.addresses import Mailbox, mailbox
from domain.errors import InvalidInput
from domain.indexes import EmailAddress

PROPERTY = settings(deadline=None, max_examples=400)

# Plausible addresses (so that many are accepted), the same with one arbitrary character
# inserted anywhere, pieces of grammar, and any text at all.
GRAMMAR = "@.,;:<>()[]\"\\ =?-_+'!#$%&*/^`{|}~\t\r\n\x00"
TRICKY = (
    "\u200b\u200d\u00ad\u202e\ufeff\ufe0f\u3164\u00a0\uff0c\uff1c\uff20\uff0e\u0430\u00df\u03c2"
)
ATEXT = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-"
LOCALS = st.text(
    alphabet=st.one_of(st.sampled_from(ATEXT + "."), st.sampled_from("\uff43\uff21\u217d\u2460")),
    min_size=1,
    max_size=20,
)
LABELS = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.ascii_letters + string.digits + "-"),
        st.characters(categories=["L", "M", "Nd"]),
    ),
    min_size=1,
    max_size=12,
)
PLAUSIBLE = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    LOCALS,
    st.lists(LABELS, min_size=2, max_size=4),
)
MUTATED = st.builds(
    lambda address, at, char: address[:at] + char + address[at:],
    PLAUSIBLE,
    st.integers(min_value=0, max_value=60),
    st.one_of(st.sampled_from(GRAMMAR + TRICKY), st.characters()),
)
PIECES = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.ascii_letters + string.digits + GRAMMAR + TRICKY),
        st.characters(),
    ),
    max_size=40,
)
ANY_TEXT = st.one_of(PLAUSIBLE, MUTATED, PIECES, st.text(max_size=300))


def accepted(value: str) -> Mailbox | None:
    try:
        return mailbox(value)
    except InvalidInput as refusal:
        field = refusal.field
    assert field == "email"
    return None


@PROPERTY
@given(ANY_TEXT)
@example("victim@example.com,attacker@evil.test")
@example("v3@example.com>,<attacker3@evil.test")
@example("=?utf-8?q?a=40evil.test?=@example.com")
@example("c1@ex\u0430mple.com")
def test_any_text_is_refused_or_becomes_exactly_one_plain_addr_spec(value: str) -> None:
    box = accepted(value)
    if box is None:
        return
    parsed = Address(addr_spec=box.address)
    assert str(parsed) == box.address
    assert parsed.display_name == ""
    assert f"{parsed.username}@{parsed.domain}" == box.address
    assert getaddresses([box.address]) == [("", box.address)]
    assert box.address.isascii()
    assert len(box.address) <= 254
    assert len(parsed.username) <= 64


@PROPERTY
@given(ANY_TEXT)
def test_normalising_is_idempotent(value: str) -> None:
    box = accepted(value)
    if box is not None:
        assert mailbox(box.address) == box
        assert mailbox(box.key) == Mailbox(box.key, box.key)


@PROPERTY
@given(ANY_TEXT)
def test_the_key_is_the_address_with_its_local_part_in_lower_case(value: str) -> None:
    box = accepted(value)
    if box is not None:
        local, domain = box.address.rsplit("@", 1)
        assert box.key == f"{local.lower()}@{domain}"
        assert domain == domain.lower()


def test_an_ascii_address_keeps_the_index_id_it_had_before() -> None:
    # Claims stored before normalisation used uuid5 over "email:" + email.strip().lower().
    assert EmailAddress.id_for("Ada@Example.COM") == UUID("ff384cb2-337e-5798-beb3-9c4c3a6d5161")


@pytest.mark.parametrize(
    "look_alike",
    ["C1@EXAMPLE.COM", "\uff431@example.com", "c1\uff20example\uff0ecom", "\u217d1@example.com"],
)
def test_look_alikes_share_the_index_id(look_alike: str) -> None:
    assert EmailAddress.id_for(look_alike) == EmailAddress.id_for("c1@example.com")


def test_a_mixed_script_domain_is_spelled_in_punycode() -> None:
    assert mailbox("c1@ex\u0430mple.com").address == "c1@xn--exmple-4nf.com"
    assert mailbox("c1@xn--EXMPLE-4nf.com").address == "c1@xn--exmple-4nf.com"


@pytest.mark.parametrize(
    "refused",
    [
        "victim@example.com,attacker@evil.test",
        "v3@example.com>,<attacker3@evil.test",
        "Victim <v@example.com>",
        "c1@example.com\u200b",
        "c1@exa\ufe0fmple.com",
        "c\u04401@example.com",
        "v@stra\u00dfe.example",
        "v@\u03c2.example",
        "v@xn--3xa.example",
        "",
        "@",
    ],
)
def test_refusals_name_the_email_field(refused: str) -> None:
    with pytest.raises(InvalidInput) as refusal:
        mailbox(refused)
    assert refusal.value.field == "email"
