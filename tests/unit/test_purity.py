"""The domain imports only the standard library and eventsourcing, and never reads a clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN = frozenset(
    {"litestar", "psycopg", "psycopg_pool", "msgspec", "api", "projections", "workers", "ticketing"}
)
DATETIME_READS = frozenset({"now", "utcnow", "today"})
TIME_READS = frozenset({"time", "time_ns", "monotonic", "perf_counter"})
SOURCES = sorted(DOMAIN.glob("**/*.py"))


def imported_roots(tree: ast.Module) -> set[str]:
    """The top-level packages a module imports; relative imports stay inside `domain`."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            # `from .. import api` or `from ..api import x` leaves the package.
            roots |= (
                {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
            )
    return roots


def clock_reads(tree: ast.Module) -> list[str]:
    """Calls such as `datetime.now()`, `dt.datetime.utcnow()`, `time.time()` or `time()`."""
    datetimes, times, functions = {"datetime", "date"}, {"time"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            datetimes |= {a.asname or a.name for a in node.names if a.name == "datetime"}
            times |= {a.asname or a.name for a in node.names if a.name == "time"}
        elif isinstance(node, ast.ImportFrom) and node.module == "datetime":
            datetimes |= {a.asname or a.name for a in node.names if a.name in ("datetime", "date")}
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            functions |= {a.asname or a.name for a in node.names if a.name in TIME_READS}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name in datetimes and func.attr in DATETIME_READS) or (
                name in times and func.attr in TIME_READS
            ):
                found.append(f"line {node.lineno}: {name}.{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in functions:
            found.append(f"line {node.lineno}: {func.id}()")
    return found


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_there_is_a_domain_to_check() -> None:
    assert len(SOURCES) > 5


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_domain_imports_no_outer_layer_or_edge_library(path: Path) -> None:
    assert imported_roots(_parse(path)) & FORBIDDEN == set()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_domain_never_reads_a_clock(path: Path) -> None:
    assert clock_reads(_parse(path)) == []


@pytest.mark.parametrize(
    "source",
    [
        "import msgspec",
        "from litestar import get",
        "import psycopg.rows",
        "from api.problems import x",
        "from ..projections import views",
        "from .. import workers",
    ],
)
def test_the_import_check_spots_an_outer_import(source: str) -> None:
    assert imported_roots(ast.parse(source)) & FORBIDDEN


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\ndatetime.now()",
        "from datetime import datetime as dt\ndt.utcnow()",
        "import datetime\ndatetime.datetime.now(datetime.UTC)",
        "from datetime import date\ndate.today()",
        "import time\ntime.time()",
        "from time import time\ntime()",
        "from time import monotonic as tick\ntick()",
    ],
)
def test_the_clock_check_spots_a_clock_read(source: str) -> None:
    assert clock_reads(ast.parse(source))


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\ndef f(at: datetime) -> datetime:\n    return at",
        "from datetime import time\ntime(9, 0)",
        "import datetime\ndatetime.time(9, 0)",
        "origin.at.time()",
    ],
)
def test_the_clock_check_lets_a_passed_in_time_be(source: str) -> None:
    assert clock_reads(ast.parse(source)) == []
