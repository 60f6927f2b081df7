"""Wiring: configuration, the store, the composition root and the command line."""
