"""Projections refuse what they cannot do with an explicit error, never an `assert`, which
`python -O` strips: the reference store refuses a second insert of one key, under -O too,
and no module of projections/ holds an assert statement."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from projections.base import Batch, InsertedTwice, MemoryRows, Projection, Table

ROOT = Path(__file__).resolve().parents[2]
NOTES = Table("notes", {"key": "TEXT", "position": "INTEGER"}, ("key",))


@dataclass(frozen=True)
class Noted:
    key: str


def _insert(batch: Batch, event: Noted, position: int) -> None:
    batch.insert(NOTES, {"key": event.key, "position": position})


class NotesProjection(Projection):
    """A projection whose handler wrongly inserts rows that may already exist."""

    name = "notes"
    version = 1
    tables = (NOTES,)
    handlers = {Noted: _insert}


def test_the_reference_store_refuses_a_second_insert_of_one_key():
    rows = MemoryRows()
    rows.apply(NotesProjection, [(1, Noted("a"))])
    with pytest.raises(InsertedTwice, match=r"notes: \('a',\) inserted twice"):
        rows.apply(NotesProjection, [(2, Noted("a"))])
    assert rows.tables == {"notes": {("a",): {"key": "a", "position": 1}}}


def test_the_refusal_holds_under_python_dash_o():
    script = (
        "import sys\n"
        "from projections.base import InsertedTwice, MemoryRows\n"
        "from tests.unit.test_projection_errors import Noted, NotesProjection\n"
        "rows = MemoryRows()\n"
        "rows.apply(NotesProjection, [(1, Noted('a'))])\n"
        "try:\n"
        "    rows.apply(NotesProjection, [(2, Noted('a'))])\n"
        "except InsertedTwice:\n"
        "    print('refused, optimize =', sys.flags.optimize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "refused, optimize = 1\n", "")


def test_no_module_of_projections_uses_assert():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "projections").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Assert)
    ]
    assert found == []
