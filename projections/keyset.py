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


def equal(column: str, value: Any) -> Condition:
    """`column = value`, or `column IS NULL` for None (both served by an index)."""
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
) -> Condition:
    """The statement for one page: every row matching all `common` conditions and one
    condition of each list in `alternatives`, in `order`, at most `limit` rows. The
    alternatives of a list must exclude each other (no row meets two), so that the
    branches are joined by UNION ALL and no row is answered twice."""
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
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS b{n}" for n, (sql, _) in enumerate(branches)
    )
    params = [p for _, values in branches for p in values]
    return f"{union} ORDER BY {order.clause()} LIMIT ?", [*params, limit]
