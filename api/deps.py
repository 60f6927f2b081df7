"""Named dependencies the handlers take."""

from __future__ import annotations

from litestar.di import NamedDependency

from domain.pipeline import Intent
from wiring.services import Services

ServicesDep = NamedDependency[Services]
IntentDep = NamedDependency[Intent]
"""A command's intent (`api.intent.provide_intent`)."""
