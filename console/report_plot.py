"""The daily report's plot, the one `ticketing reports plot` draws (tickets created and
resolved per day; SLA compliance per day), as inline SVG so that the page needs no plotting
library, no script and no image request, and passes the content security policy: colours
come from classes in console.css, never from style attributes.

Every piece of text goes through `escape`; days come from the store and are data."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 560
LEFT, RIGHT = 72, 24
COUNTS_TOP, COUNTS_HEIGHT = 64, 210
SLA_TOP, SLA_HEIGHT = 316, 150
SLA_CEILING = 105.0
HEADROOM = 1.08
"""The counts' top tick sits a little below the frame, so a marker there is not cut."""
WIDEST_BAR = 48.0
MOST_LABELS = 16
"""At most this many day labels under the axis; the rest are ticks only, so they never overlap."""


@dataclass(frozen=True)
class Day:
    day: str
    created: int
    resolved: int
    compliance: float


def days_of(rows: Iterable[dict[str, Any]]) -> list[Day]:
    """The per-department rows summed per day, as the CLI sums them."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for name in ("created", "resolved", "sla_breaches", "sla_met"):
            totals[row["day"]][name] += int(row[name] or 0)
    return [
        Day(day, t["created"], t["resolved"], _compliance(t["sla_met"], t["sla_breaches"]))
        for day, t in sorted(totals.items())
    ]


def _compliance(met: int, breached: int) -> float:
    """Of the SLA targets settled that day, the share met in time (100 when none were)."""
    settled = met + breached
    return 100.0 * met / settled if settled else 100.0


def count_ticks(highest: int) -> list[int]:
    """Round steps (1, 2 or 5 times a power of ten) from 0 to at least `highest`, at most six."""
    top = max(highest, 1)
    power = 10 ** max(0, math.floor(math.log10(top)) - 1)
    step = next(s * power for s in (1, 2, 5, 10, 20, 50) if top / (s * power) <= 5)
    return list(range(0, math.ceil(top / step) * step + 1, step))


def plot_svg(days: Sequence[Day], since: str, until: str) -> Markup:
    """The two panels one above the other, sharing the days along the bottom."""
    title = f"Tickets per day, {since} to {until} (UTC)"
    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="plot-title plot-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="plot-title">{escape(title)}</title>',
        f'<desc id="plot-desc">{escape(_summary(days))}</desc>',
        _text(WIDTH / 2, 28, title, "plot-heading", anchor="middle"),
        *_counts(days),
        *_sla(days),
        *_days_axis(days),
        *_legend(),
        "</svg>",
    ]
    return Markup("\n".join(parts))  # noqa: S704 - every text escaped in _text and above


def _summary(days: Sequence[Day]) -> str:
    if not days:
        return "No days with activity."
    lowest = min(d.compliance for d in days)
    return (
        f"{len(days)} days: {sum(d.created for d in days)} tickets created and"
        f" {sum(d.resolved for d in days)} resolved; SLA compliance at least {lowest:.0f}%."
        " The table below has every figure."
    )


def _x(index: int, count: int) -> float:
    band = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + band * (index + 0.5)


def _y(value: float, top: float, height: float, ceiling: float) -> float:
    return top + height - height * value / ceiling


def _counts(days: Sequence[Day]) -> list[str]:
    ticks = count_ticks(max((max(d.created, d.resolved) for d in days), default=0))
    ceiling = ticks[-1] * HEADROOM
    parts = _y_axis(ticks, COUNTS_TOP, COUNTS_HEIGHT, ceiling, "tickets")
    for name in ("created", "resolved"):
        points = [
            (_x(i, len(days)), _y(getattr(d, name), COUNTS_TOP, COUNTS_HEIGHT, ceiling))
            for i, d in enumerate(days)
        ]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="series series-{name}" points="{line}"/>')
        for (x, y), day in zip(points, days, strict=True):
            tip = f"{day.day}: {getattr(day, name)} {name}"
            parts.append(
                f'<circle class="marker series-{name}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f"<title>{escape(tip)}</title></circle>"
            )
    return parts


def _sla(days: Sequence[Day]) -> list[str]:
    parts = _y_axis([0, 20, 40, 60, 80, 100], SLA_TOP, SLA_HEIGHT, SLA_CEILING, "SLA %")
    bar = min((WIDTH - LEFT - RIGHT) / max(len(days), 1) * 0.7, WIDEST_BAR)
    for i, day in enumerate(days):
        top = _y(day.compliance, SLA_TOP, SLA_HEIGHT, SLA_CEILING)
        tip = f"{day.day}: SLA compliance {day.compliance:.0f}%"
        parts.append(
            f'<rect class="bar series-sla" x="{_x(i, len(days)) - bar / 2:.1f}"'
            f' y="{top:.1f}" width="{bar:.1f}" height="{SLA_TOP + SLA_HEIGHT - top:.1f}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    return parts


def _y_axis(ticks: list[int], top: float, height: float, ceiling: float, name: str) -> list[str]:
    """A panel's frame, its horizontal grid lines and labelled ticks, and its axis name."""
    right = WIDTH - RIGHT
    parts = [f'<rect class="frame" x="{LEFT}" y="{top}" width="{right - LEFT}" height="{height}"/>']
    for tick in ticks:
        y = _y(tick, top, height, ceiling)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        parts.append(f'<line class="axis" x1="{LEFT - 5}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}"/>')
        parts.append(_text(LEFT - 8, y + 4, str(tick), "tick", anchor="end"))
    middle = top + height / 2
    parts.append(
        _text(18, middle, name, "axis-name", anchor="middle", rotate=f"rotate(-90 18 {middle})")
    )
    return parts


def _days_axis(days: Sequence[Day]) -> list[str]:
    """Ticks under both panels; day labels turned 45 degrees, every one or every nth."""
    bottom = SLA_TOP + SLA_HEIGHT
    every = max(1, math.ceil(len(days) / MOST_LABELS))
    parts: list[str] = []
    for i, day in enumerate(days):
        x = _x(i, len(days))
        parts.extend(_tick(x, y) for y in (COUNTS_TOP + COUNTS_HEIGHT, bottom))
        if i % every == 0:
            y = bottom + 16
            parts.append(
                _text(x, y, day.day, "tick", anchor="end", rotate=f"rotate(-45 {x:.1f} {y})")
            )
    return parts


def _tick(x: float, y: float) -> str:
    return f'<line class="axis" x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 5}"/>'


def _legend() -> list[str]:
    """Which colour is which, inside the top panel's upper left corner."""
    parts = []
    entries = (("created", "created"), ("resolved", "resolved"), ("sla", "SLA compliance %"))
    x, y = LEFT + 12, COUNTS_TOP - 20
    for name, words in entries:
        parts.append(
            f'<rect class="swatch series-{name}" x="{x}" y="{y - 9}" width="14" height="10"/>'
        )
        parts.append(_text(x + 20, y, words, "legend"))
        x += 40 + 9 * len(words)
    return ['<g class="legend" aria-hidden="true">', *parts, "</g>"]


def _text(
    x: float, y: float, words: str, kind: str, anchor: str = "start", rotate: str = ""
) -> str:
    turned = f' transform="{rotate}"' if rotate else ""
    return (
        f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{turned}>'
        f"{escape(words)}</text>"
    )
