"""Which rows of a ticket read model an agent may see: the rule of
`HelpDesk._require_visible`, as SQL over the `department_id` and `assignee_id` columns."""

from __future__ import annotations

from typing import Any

from .keyset import Condition, equal


def agent_clause(departments: tuple[str, ...], agent_id: str | None) -> tuple[str, list[Any]]:
    """Tickets of the agent's departments, tickets assigned to them, and tickets not yet
    routed to any department, as one condition (for reads already narrowed otherwise)."""
    listed = ", ".join("?" * len(departments)) or "NULL"
    return (
        f"(department_id IS NULL OR assignee_id = ? OR department_id IN ({listed}))",
        [agent_id, *departments],
    )


def agent_alternatives(departments: tuple[str, ...], agent_id: str | None) -> list[Condition]:
    """The same rule as alternatives (`keyset.page_sql`, `distinct`: an agent's own ticket
    in their department meets two), each served by an index led by its column."""
    return [
        equal("department_id", None),
        equal("assignee_id", agent_id),
        *(equal("department_id", d) for d in departments),
    ]
