"""Lint and types are part of the tests: ruff on everything, mypy (strict on domain/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing():
    result = _run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_strict_on_the_domain():
    result = _run(
        str(BIN / "mypy"),
        "domain",
        "projections",
        "readside",
        "workers",
        "wiring",
        "api",
        "console",
        "ticketing",
    )
    assert result.returncode == 0, result.stdout + result.stderr
