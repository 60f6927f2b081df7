"""CSV output: the one place a value becomes a CSV cell.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return first) as a formula, so text a person wrote could compute, fetch or run
something on the reader's machine. Such a cell is written with a leading `'`, which
spreadsheets show as text; every other cell is written as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as the text of a CSV cell (None: empty), never starting a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_document(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A header of `fields` and a line per row, every cell through `cell`. Lines end in
    CRLF (RFC 4180), so that a cell holding either CR or LF is quoted and reads back whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(f) for f in fields])
    writer.writerows([cell(row.get(f)) for f in fields] for row in rows)
    return out.getvalue()
