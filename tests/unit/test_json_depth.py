"""The nesting bound checked before a body is decoded: exact on well-formed JSON (strings,
escapes and brackets inside them included), linear on hostile text."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from api.request_shape import nesting_exceeds

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.sampled_from('[]{}"\\ab\n')),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(st.sampled_from('[]{}"\\k'), max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(value=JSON_VALUES, limit=st.integers(0, 8))
def test_the_bound_is_exact_on_well_formed_json(value: Any, limit: int) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    assert nesting_exceeds(text, limit) == (depth(value) > limit)


def test_deep_and_unclosed_nesting_is_over_the_bound() -> None:
    assert nesting_exceeds(b"[" * 100_000 + b"]" * 100_000)
    assert nesting_exceeds(b'{"a":' * 100_000)
    assert nesting_exceeds(b"[" * 65)
    assert not nesting_exceeds(b"[" * 64 + b"]" * 64)


def test_hostile_strings_are_scanned_in_one_pass() -> None:
    # Escaped quotes and a trailing backslash in an unterminated string: a scan that
    # restarted at each quote would take quadratic time here.
    assert not nesting_exceeds(b'"' + b'\\"' * 500_000 + b"\\")
    assert not nesting_exceeds(b'"' + b"[" * 500_000)
