"""One page of rows in a sort order, read as a union of index range scans.

A filter such as `status IN (open, in_progress)` or an agent's visibility (`department IS
NULL OR assignee = me OR department IN (...)`) cannot be served in sort order by one
index range: an index on (department_id, status, due_sort) is ordered by due time only
within one status. So a page is read as one branch per combination of the filter's
alternatives, each an equality on the leading columns of an index, ordered by the
index's remaining columns and limited to the page; the union of the branches is then
ordered and limited once more. The database reads at most `branches * (limit + 1)`
index entries and sorts only those, whatever the number of rows in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

Condition = tuple[str, list[Any]]
"""A piece of a WHERE clause with `?` placeholders, and the values they take."""


@dataclass(frozen=True)
class Order:
    """A sort column, ties broken by the key column in the same direction."""

    column: str
    descending: bool = False
    key: str = "ticket_id"

    def clause(self) -> str:
        way = "DESC" if self.descending else "ASC"
        return f"{self.column} {way}, {self.key} {way}"

    def after(self, value: Any, key: Any) -> Condition:
        """The rows after a cursor's (value, key), in this order."""
        return (
            f"({self.column}, {self.key}) {'<' if self.descending else '>'} (?, ?)",
            [value, key],
        )


KEYED = {"department_id": "department_key", "assignee_id": "assignee_key"}
"""Columns that may be NULL, and the column that indexes them with "" for NULL: after
`x IS NULL` PostgreSQL cannot read an index in the order of its next column (only an
equality makes the column constant), so the unassigned queue would be sorted whole."""


def keyed(row: dict[str, Any]) -> dict[str, Any]:
    """A row of a ticket table with its key columns filled in (`KEYED`)."""
    return {**row, **{key: row[column] or "" for column, key in KEYED.items()}}


def equal(column: str, value: Any) -> Condition:
    """`column = value`; None is no value, matched on the column's key (`KEYED`)."""
    if column in KEYED:
        return f"{KEYED[column]} = ?", ["" if value is None else value]
    if value is None:
        return f"{column} IS NULL", []
    return f"{column} = ?", [value]


def any_of(column: str, values: Sequence[Any]) -> list[Condition]:
    """One alternative per distinct value, in the order given."""
    return [equal(column, v) for v in dict.fromkeys(values)]


def page_sql(
    table: str,
    columns: Sequence[str],
    alternatives: Sequence[Sequence[Condition]],
    common: Sequence[Condition],
    order: Order,
    limit: int,
    *,
    distinct: bool = False,
) -> Condition:
    """The statement for one page: every row matching all `common` conditions and one
    condition of each list in `alternatives`, in `order`, at most `limit` rows. When the
    alternatives of a list may overlap (`distinct`), the branches are joined by UNION,
    which answers each row once; otherwise by UNION ALL."""
    selected = ", ".join(columns)
    branches: list[Condition] = []
    for chosen in product(*alternatives) if alternatives else [()]:
        conditions = [*chosen, *common]
        where = " AND ".join(sql for sql, _ in conditions) or "1 = 1"
        params = [p for _, values in conditions for p in values]
        branches.append(
            (
                f"SELECT {selected} FROM {table} WHERE {where} ORDER BY {order.clause()} LIMIT ?",
                [*params, limit],
            )
        )
    if len(branches) == 1:
        return branches[0]
    union = (" UNION " if distinct else " UNION ALL ").join(
        f"SELECT * FROM ({sql}) AS b{n}" for n, (sql, _) in enumerate(branches)
    )
    params = [p for _, values in branches for p in values]
    return f"{union} ORDER BY {order.clause()} LIMIT ?", [*params, limit]
