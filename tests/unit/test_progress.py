"""The one progress bar: drawn on a real terminal (a pseudo-terminal here), silent when
standard error is not one or the caller asked for quiet; result lines always reach
standard output."""

from __future__ import annotations

import io
import os
import pty
import select
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ticketing.progress import Bar


@contextmanager
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.TextIOWrapper]:
    """Standard error on a pseudo-terminal; what reached its screen. Entered in the test
    itself: pytest puts its own capture back in place between a fixture and the test."""
    screen, device = pty.openpty()
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    with open(device, "w", encoding="utf-8") as stderr:
        monkeypatch.setattr("sys.stderr", stderr)
        yield io.TextIOWrapper(io.FileIO(screen, "r", closefd=True), encoding="utf-8")


def drawn(screen: io.TextIOWrapper) -> str:
    chunks = []
    while select.select([screen.fileno()], [], [], 0.2)[0]:
        chunks.append(os.read(screen.fileno(), 65536).decode("utf-8", "replace"))
    return "".join(chunks)


def test_the_bar_is_drawn_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with terminal(monkeypatch) as screen_of:
        with Bar("verified", 3, "tickets") as bar:
            assert bar.shown
            for _ in range(3):
                bar.advance()
            bar.say("TAMPERED 42")
        screen = drawn(screen_of)

    assert "verified" in screen
    assert "3/3" in screen
    assert "TAMPERED 42" in capsys.readouterr().out


def test_quiet_draws_nothing_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with terminal(monkeypatch) as screen_of:
        with Bar("exported", 10, "events", quiet=True) as bar:
            assert not bar.shown
            bar.to(10)
            bar.say("done")
        assert drawn(screen_of) == ""

    assert capsys.readouterr().out == "done\n"


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Bar("rebuilt", 5, "events") as bar:
        assert not bar.shown
        bar.to(2, 5)
        bar.advance(3)
        bar.say("TAMPERED 7")

    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("TAMPERED 7\n", "")
