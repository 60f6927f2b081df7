"""The web console: server-rendered pages for agents, customers, auditors, supervisors and
analysts, served beside the API by the same app and calling the same services (never the
API over HTTP)."""
