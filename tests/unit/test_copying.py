"""The repository deep-copies cached aggregates before commands; the cheap copy must isolate."""

from __future__ import annotations

import copy
from uuid import uuid4

from tests.builders import AGENT, opened_ticket, origin


def test_a_command_on_a_copy_leaves_the_original_untouched():
    original = opened_ticket()
    clone = copy.deepcopy(original)

    clone.add_note(uuid4(), "only on the copy", origin(AGENT))

    assert len(original.messages) == 1
    assert len(clone.messages) == 2
    assert original.pending_events == []
    assert original.version == 1
    assert clone.version == 2


def test_a_copy_equals_its_original():
    original = opened_ticket()
    assert copy.deepcopy(original) == original
