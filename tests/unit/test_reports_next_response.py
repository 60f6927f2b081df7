"""The reports count the next response's verdicts on their own, besides the SLA totals."""

from __future__ import annotations

from dataclasses import replace

from tests.builders import AGENT, CUSTOMER, SYSTEM, origin
from tests.unit.test_reports_projection import IT, Report, at, opened, reply, terms


def row(report: Report, day: str) -> dict[str, int]:
    found = report.rows.tables["view_report_daily"][(day, "department", str(IT))]
    keys = ("sla_met", "sla_breaches", "next_response_met", "next_response_breaches")
    return {k: found[k] for k in keys}


def test_next_response_verdicts_count_per_day_and_in_the_totals() -> None:
    ticket = opened(at(2, 9), sla=replace(terms(30, 6000), next_response_minutes=20))
    reply(ticket, at(2, 9, 10))  # first response met
    reply(ticket, at(2, 10), CUSTOMER)
    reply(ticket, at(2, 10, 15))  # next response met
    reply(ticket, at(2, 11), CUSTOMER)
    ticket.check_sla(origin(SYSTEM, at(3, 9)))  # next response breached on the 3rd
    reply(ticket, at(3, 9, 5))  # already breached: no verdict

    report = Report(ticket)

    assert row(report, "2026-03-02") == {
        "sla_met": 2,
        "sla_breaches": 0,
        "next_response_met": 1,
        "next_response_breaches": 0,
    }
    assert row(report, "2026-03-03") == {
        "sla_met": 0,
        "sla_breaches": 1,
        "next_response_met": 0,
        "next_response_breaches": 1,
    }
    agent_row = report.rows.tables["view_report_daily"][("2026-03-03", "agent", str(AGENT.id))]
    assert agent_row["next_response_breaches"] == 1
