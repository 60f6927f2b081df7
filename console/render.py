"""Pages from Jinja2 templates, autoescaped, and the one filter user text passes through.

Every value a person typed (subjects, bodies, names, comments) is shown with `text`: it is
escaped by the template engine, isolated (`<bdi>`) so that right-to-left text cannot
reorder the page around it, and its invisible direction controls are shown as visible
marks, so that an override cannot disguise what a message says.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Response
from litestar.enums import MediaType
from markupsafe import Markup, escape

from domain.timefmt import rfc3339

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_NAMES = {
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}


def text(value: object) -> Markup:
    """User text as inert, isolated text with its direction controls made visible."""
    escaped = str(escape("" if value is None else str(value)))
    shown = _CONTROLS.sub(
        lambda m: (
            f'<span class="control" title="a hidden direction control">'
            f"[{_NAMES[m.group(0)]}]</span>"
        ),
        escaped,
    )
    return Markup(f"<bdi>{shown}</bdi>")  # noqa: S704 - escaped above, marks are constant


def flat(value: object) -> str:
    """User text where no markup may go (a page's title): controls named, never applied."""
    return _CONTROLS.sub(lambda m: f"[{_NAMES[m.group(0)]}]", "" if value is None else str(value))


def when(value: datetime | str | None) -> str:
    """A time as people read it, in UTC to the minute."""
    if value is None:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def stamp(value: datetime | str | None) -> str:
    """A time for the machine (a `<time datetime>` attribute, the countdown script)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else rfc3339(value)


def minutes(value: int | float | None) -> str:
    """Business minutes as hours and minutes, negative when overdue."""
    if value is None:
        return "-"
    whole = int(value)
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 60)
    return f"{sign}{hours}h {rest:02d}m" if hours else f"{sign}{rest}m"


def size(value: int) -> str:
    """A number of bytes as people say it (binary units, as the limits are set)."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if value >= scale:
            shown = value / scale
            return f"{shown:.0f} {unit}" if shown == int(shown) else f"{shown:.1f} {unit}"
    return f"{value} bytes"


def label(value: object) -> str:
    """An enumeration's value as words: `in_progress` → `in progress`."""
    return str(getattr(value, "value", value) or "-").replace("_", " ")


def choices(values: list[Any]) -> list[tuple[str, str]]:
    """An enumeration's members as a select's (value, words) options."""
    return [(str(v.value), label(v)) for v in values]


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters.update(
    text=text,
    flat=flat,
    when=when,
    stamp=stamp,
    minutes=minutes,
    size=size,
    label=label,
    choices=choices,
)


def render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


def page(template: str, status_code: int = 200, **context: Any) -> Response[str]:
    """An HTML page; personal pages are never cached."""
    return Response(
        render(template, **context),
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={"Cache-Control": "no-store"},
    )
