"""Long-running followers of the event log (projection runner, SLA clock, notifier, assigner)."""
