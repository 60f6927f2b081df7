"""Named dependencies the handlers take."""

from __future__ import annotations

from litestar.di import NamedDependency

from wiring.services import Services

ServicesDep = NamedDependency[Services]
