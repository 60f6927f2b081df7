"""Dependencies point one way: each package imports only the packages below it, so an
upward import (the wiring reaching into the API, say) fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .test_purity import imported_roots

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "projections", "readside", "workers", "wiring", "api", "console", "ticketing")
"""Lowest first; `readside` and `workers` are side by side (neither needs the other), and so
are `api` and `console` (the console calls the services, never the API)."""
BELOW: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "projections": frozenset({"domain"}),
    "readside": frozenset({"domain", "projections"}),
    "workers": frozenset({"domain", "projections"}),
    "wiring": frozenset({"domain", "projections", "readside", "workers"}),
    "api": frozenset({"domain", "projections", "readside", "workers", "wiring"}),
    "console": frozenset({"domain", "projections", "readside", "workers", "wiring"}),
    "ticketing": frozenset(LAYERS) - {"ticketing"},
}
SOURCES = sorted((path, layer) for layer in LAYERS for path in (ROOT / layer).glob("**/*.py"))


def own_imports(path: Path) -> set[str]:
    """The project's packages a module imports (relative imports stay in its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return imported_roots(tree) & set(LAYERS)


@pytest.mark.parametrize(("path", "layer"), SOURCES, ids=lambda v: getattr(v, "name", v))
def test_a_package_imports_only_the_packages_below_it(path: Path, layer: str) -> None:
    assert own_imports(path) - {layer} <= BELOW[layer], path.relative_to(ROOT)


def test_an_upward_import_is_spotted(tmp_path: Path) -> None:
    module = tmp_path / "upward.py"
    module.write_text("from api.app import create_app\nfrom . import sibling\n")
    assert own_imports(module) - {"wiring"} - BELOW["wiring"] == {"api"}
