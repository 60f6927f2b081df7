"""CSV cells: text never starts a spreadsheet formula, whatever a person wrote, and reads
back exactly (after the one quote that disarms it)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from api.csv_text import FORMULA_STARTS, cell, csv_document

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
LEADING = st.sampled_from([*FORMULA_STARTS, "", " ", "'", '"', "\n"])


@given(lead=LEADING, text=TEXT)
def test_no_text_cell_starts_a_formula_and_the_text_comes_back(lead: str, text: str) -> None:
    value = lead + text
    encoded = cell(value)
    assert not encoded.startswith(FORMULA_STARTS)
    assert encoded in (value, "'" + value)
    assert (encoded == value) == (not value.startswith(FORMULA_STARTS))


VALUES = st.one_of(TEXT, LEADING, st.integers(), st.floats(), st.none())


@given(rows=st.lists(st.lists(VALUES, min_size=2, max_size=2), max_size=5))
def test_a_document_reads_back_cell_for_cell(rows: list[list[object]]) -> None:
    fields = ("a", "b")
    document = csv_document(fields, [dict(zip(fields, row, strict=True)) for row in rows])
    header, *read = list(csv.reader(io.StringIO(document, newline="")))
    assert header == list(fields)
    assert read == [[cell(v) for v in row] for row in rows]
    for line in read:
        assert not any(v.startswith(FORMULA_STARTS) for v in line)


def test_other_values_are_written_as_their_text_under_the_same_rule() -> None:
    # No report has negative numbers; were one to, it would be disarmed like any text.
    assert [cell(v) for v in (3, 2.5, None, -1, "=1+1")] == ["3", "2.5", "", "'-1", "'=1+1"]
