"""A view store asked about a projection it has never installed says so with `NotInstalled`
on each store, and still does under `python -O` (no assert stands in for the check);
once installed, the same calls answer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.queue.handlers import TICKETS, QueueProjection
from projections.registry import NotInstalled
from projections.view_store import ViewStore
from wiring.config import Settings
from wiring.views import open_views

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def views(settings: Settings) -> Iterator[ViewStore]:
    store = open_views(settings)
    store.setup()
    try:
        yield store
    finally:
        store.close()


def test_applying_a_batch_before_install_raises_not_installed_and_writes_nothing(
    views: ViewStore,
):
    with pytest.raises(NotInstalled, match="queue"):
        views.apply(QueueProjection, [], 5)
    assert views.live(QueueProjection.name) is None
    assert views.generations(QueueProjection.name) == []


def test_reading_rows_before_install_raises_not_installed(views: ViewStore):
    with pytest.raises(NotInstalled, match="queue"):
        views.rows(QueueProjection, TICKETS)
    with views.read() as c, pytest.raises(NotInstalled, match="queue"):
        views.live_table(c, QueueProjection, TICKETS)


def test_once_installed_the_same_calls_answer(views: ViewStore):
    assert views.install(QueueProjection) == 1
    assert views.apply(QueueProjection, [], 5) == 1
    assert views.position(QueueProjection.name) == 5
    assert views.rows(QueueProjection, TICKETS) == []


def test_not_installed_holds_under_python_dash_o(tmp_path: Path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from projections.queue.handlers import TICKETS, QueueProjection\n"
        "from projections.registry import NotInstalled\n"
        "from projections.sqlite_views import SQLiteViews\n"
        "views = SQLiteViews(Path(sys.argv[1]))\n"
        "views.setup()\n"
        "for call in (lambda: views.apply(QueueProjection, [], 5),\n"
        "             lambda: views.rows(QueueProjection, TICKETS)):\n"
        "    try:\n"
        "        call()\n"
        "    except NotInstalled:\n"
        "        print('refused, optimize =', sys.flags.optimize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", script, str(tmp_path / "views.sqlite3")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "refused, optimize = 1\n" * 2, "")
