"""The report's plot as SVG: the CLI's figures (created and resolved per day, SLA
compliance), axes with labelled ticks, a legend, a title for screen readers, well-formed
markup with no style attribute (the content security policy refuses them) and no text that
becomes markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from console.report_plot import Day, count_ticks, days_of, plot_svg

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [
    {"day": "2026-03-01", "created": 3, "resolved": 1, "sla_met": 1, "sla_breaches": 1},
    {"day": "2026-03-01", "created": 2, "resolved": 0, "sla_met": 0, "sla_breaches": 0},
    {"day": "2026-03-02", "created": 0, "resolved": 4, "sla_met": 3, "sla_breaches": 0},
]


def _tree(days: list[Day], since: str = "2026-03-01", until: str = "2026-03-02") -> ET.Element:
    return ET.fromstring(str(plot_svg(days, since, until)))


def test_rows_are_summed_per_day_as_the_cli_sums_them() -> None:
    assert days_of(ROWS) == [
        Day("2026-03-01", created=5, resolved=1, compliance=50.0),
        Day("2026-03-02", created=0, resolved=4, compliance=100.0),
    ]


def test_count_ticks_are_round_and_reach_the_highest_value() -> None:
    assert count_ticks(0) == [0, 1]
    assert count_ticks(5) == [0, 1, 2, 3, 4, 5]
    assert count_ticks(7) == [0, 2, 4, 6, 8]
    assert count_ticks(230) == [0, 50, 100, 150, 200, 250]


def test_the_plot_has_its_series_axes_legend_and_title() -> None:
    svg = _tree(days_of(ROWS))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "plot-title plot-desc"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Tickets per day, 2026-03-01 to 2026-03-02 (UTC)"
    lines = svg.findall(f"{SVG}polyline")
    assert [line.get("class") for line in lines] == [
        "series series-created",
        "series series-resolved",
    ]
    created = [p.split(",") for p in (lines[0].get("points") or "").split()]
    assert len(created) == 2
    assert float(created[0][1]) < float(created[1][1])
    bars = svg.findall(f"{SVG}rect[@class='bar series-sla']")
    assert [bar.findtext(f"{SVG}title") for bar in bars] == [
        "2026-03-01: SLA compliance 50%",
        "2026-03-02: SLA compliance 100%",
    ]
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"0", "1", "2", "3", "4", "5", "20", "100", "tickets", "SLA %"} <= set(words)
    assert {"2026-03-01", "2026-03-02"} <= set(words)
    assert {"created", "resolved", "SLA compliance %"} <= set(words)
    assert all(element.get("style") is None for element in svg.iter())


def test_text_in_the_plot_is_escaped() -> None:
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    markup = str(plot_svg([Day(hostile, 1, 1, 100.0)], hostile, "2026-03-02"))
    assert "<script" not in markup
    assert "<img" not in markup
    svg = ET.fromstring(markup)
    assert hostile in [t.text for t in svg.iter(f"{SVG}text")]
    assert not list(svg.iter("script"))


def test_many_days_are_labelled_sparsely_and_none_is_drawn_without_data() -> None:
    days = [Day(f"2026-01-{n:02d}", n, 0, 100.0) for n in range(1, 32)]
    labels = [t.text for t in _tree(days).iter(f"{SVG}text") if (t.text or "").startswith("2026-")]
    assert 1 < len(labels) <= 16
    empty = _tree([])
    assert empty.findtext(f"{SVG}desc") == "No days with activity."
