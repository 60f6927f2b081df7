"""`ticketing reports plot`: created against resolved tickets per day, and SLA compliance,
drawn from the reports projection for people who would rather look than read.

matplotlib is an optional extra (`pip install -e '.[plot]'`); without it the command says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from projections.reports.handlers import ReportGroup
from projections.reports.queries import daily
from wiring.config import Settings
from wiring.views import open_views


def plot(settings: Settings, since: date, until: date, output: Path) -> int:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("ticketing: plotting needs matplotlib: pip install -e '.[plot]'")
        return 2
    views = open_views(settings)
    try:
        rows = daily(views, since, until, ReportGroup.DEPARTMENT)
    finally:
        views.close()
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for field in ("created", "resolved", "sla_breaches", "sla_met"):
            totals[row["day"]][field] += row[field]
    days = sorted(totals)
    created = [totals[d]["created"] for d in days]
    resolved = [totals[d]["resolved"] for d in days]
    compliance = [_compliance(totals[d]) for d in days]
    figure, (counts, sla) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    counts.plot(days, created, marker="o", label="created")
    counts.plot(days, resolved, marker="o", label="resolved")
    counts.set_ylabel("tickets")
    counts.set_title(f"Tickets per day, {since} to {until} (UTC)")
    counts.legend()
    sla.bar(days, compliance, color="tab:green")
    sla.set_ylabel("SLA compliance %")
    sla.set_ylim(0, 105)
    sla.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    figure.savefig(output, dpi=100)
    plt.close(figure)
    print(f"wrote {output} ({len(days)} days)")
    return 0


def _compliance(day: dict[str, int]) -> float:
    """Of the SLA targets settled that day, the share met in time (100 when none were)."""
    settled = day["sla_met"] + day["sla_breaches"]
    return 100.0 * day["sla_met"] / settled if settled else 100.0
