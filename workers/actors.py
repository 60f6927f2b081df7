"""The workers' own identities: every event they record names one of them."""

from __future__ import annotations

from uuid import UUID, uuid5

from domain.values import Actor, Role

_NAMESPACE = UUID("0b5e5a1d-3c8e-4d6f-9a2b-7c1e8f4d2a60")

SLA_WORKER = Actor(uuid5(_NAMESPACE, "sla-worker"), Role.SYSTEM)
ASSIGNER = Actor(uuid5(_NAMESPACE, "assigner"), Role.SYSTEM)
AUTO_CLOSER = Actor(uuid5(_NAMESPACE, "auto-closer"), Role.SYSTEM)
NOTIFIER = Actor(uuid5(_NAMESPACE, "notifier"), Role.SYSTEM)
MAIL_IN = Actor(uuid5(_NAMESPACE, "mail-in"), Role.SYSTEM)
