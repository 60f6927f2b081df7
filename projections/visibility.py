"""Which rows of a ticket read model an agent may see: the rule of
`HelpDesk._require_visible`, as SQL over the `department_id` and `assignee_id` columns."""

from __future__ import annotations

from typing import Any


def agent_clause(departments: tuple[str, ...], agent_id: str | None) -> tuple[str, list[Any]]:
    """Tickets of the agent's departments, tickets assigned to them, and tickets not yet
    routed to any department; each branch is served by an index on its column."""
    listed = ", ".join("?" * len(departments)) or "NULL"
    return (
        f"(department_id IS NULL OR assignee_id = ? OR department_id IN ({listed}))",
        [agent_id, *departments],
    )
