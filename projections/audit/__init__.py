"""The audit log: every ticket event across tickets, by position."""
