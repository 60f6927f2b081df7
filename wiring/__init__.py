"""Wiring: configuration, the stores, and the composition root; it never imports `api`."""
