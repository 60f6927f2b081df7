"""The SLA timers: one row per ticket under a plan, with its next alarm for the SLA worker."""
