"""`ticketing demo` walks the lifecycle and the email path on a throwaway store."""

from __future__ import annotations

import pytest

from ticketing.demo import run_demo


def test_the_demo_shows_the_email_path_on_one_ticket(capsys: pytest.CaptureFixture[str]):
    assert run_demo() == 0

    said = capsys.readouterr().out
    assert "the listener answers 250" in said
    assert "the three messages became: ['automated', 'done', 'done']" in said
    assert "all on one ticket: True; mail to Grace: 1 (the ack)" in said
