"""The one progress bar of the long commands (`projections rebuild`, `audit verify`,
`events export`), drawn with `rich` on standard error.

It is drawn only when standard error is a terminal and the caller did not ask for quiet
(`--quiet`), so pipes, files and logs carry the commands' results and nothing else.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    """Items per second, in the bar's unit."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} {task.fields['unit']}/s")


class Bar:
    """One bar for one piece of work: `to` (how far, of how much) or `advance`, and `say`
    for a result line that must not be torn by the bar. Use it as a context manager."""

    def __init__(self, label: str, total: int, unit: str, *, quiet: bool = False) -> None:
        console = Console(file=sys.stderr)
        self.shown = console.is_terminal and not quiet
        self._progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            _Rate(),
            TimeRemainingColumn(),
            console=console,
            disable=not self.shown,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task(label, total=total, unit=unit)

    def __enter__(self) -> Bar:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def to(self, done: int, total: int | None = None) -> None:
        """`done` of `total` (of the total given before, when None)."""
        if self.shown:
            self._progress.update(self._task, completed=done, total=total)

    def advance(self, by: int = 1) -> None:
        if self.shown:
            self._progress.advance(self._task, by)

    def say(self, line: str) -> None:
        """A result line on standard output; above the bar when both share a terminal."""
        if self.shown and sys.stdout.isatty():
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, flush=True)
