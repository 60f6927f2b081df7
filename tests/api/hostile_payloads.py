"""The hostile inputs of `test_hostile_input.py`, and where they are sent."""

from __future__ import annotations

from projections.pages import encode_cursor

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
SQL = ["' OR 1=1 --", '"; DROP TABLE helpdesk_events; --']
CONTROL = ["\u0000", "\u0007", "\u001b"]
CONTROL_IDS = ["nul", "bel", "esc"]
HUGE = 2**64
"""Larger than any database integer column."""
DEPARTMENT = "8f29618e-0387-4c3f-a2e3-773d8174b577"
"""A fixed id, so that test ids are the same in every process (pytest-xdist)."""
_QUEUE = f"/v1/queues/departments/{DEPARTMENT}?"

QUERIES = [
    ("agent", "/v1/queues/mine?", "sort"),
    ("agent", "/v1/queues/mine?", "cursor"),
    *[
        ("supervisor", _QUEUE, name)
        for name in ("sort", "status", "priority", "sla_state", "assignee", "cursor")
    ],
    ("agent", "/v1/sla/timers?", "sla_state"),
    ("agent", "/v1/sla/timers?", "cursor"),
    *[
        ("auditor", "/v1/audit/events?", name)
        for name in ("ticket_id", "actor_id", "type", "from", "to", "cursor")
    ],
    ("auditor", "/v1/events?", "after"),
    ("supervisor", "/v1/reports/daily?from=2026-03-01&to=2026-03-02&", "group_by"),
    ("supervisor", "/v1/reports/daily?to=2026-03-02&", "from"),
    ("admin", "/v1/customers?", "cursor"),
    ("admin", "/v1/agents?", "cursor"),
    ("admin", "/v1/departments?", "cursor"),
    ("customer", "/v1/help-topics?", "cursor"),
]
"""(caller, route with the start of its query, parameter) for the SQL payloads."""

FORGED = [
    ("supervisor", f"{_QUEUE}sort=due&", encode_cursor(*SQL)),
    ("supervisor", f"{_QUEUE}sort=created&", encode_cursor(SQL[0], "")),
    ("supervisor", f"{_QUEUE}sort=priority&", encode_cursor(HUGE, "")),
    ("agent", "/v1/queues/mine?sort=priority&", encode_cursor(-HUGE, SQL[1])),
    ("agent", "/v1/sla/timers?", encode_cursor(SQL[1], SQL[0])),
    ("auditor", "/v1/audit/events?", encode_cursor(HUGE)),
    ("admin", "/v1/customers?", str(HUGE)),
    ("admin", "/v1/customers?", str(-HUGE)),
]
"""Cursors of the right shape whose values are hostile: SQL text, out-of-range numbers."""

TEXT_FIELDS = [
    ("customer", "open", "subject"),
    ("customer", "open", "body"),
    ("customer", "replies", "body"),
    ("agent", "notes", "body"),
    ("agent", "resolve", "resolution"),
]
"""(caller, ticket command, text field)."""

NAMED = [
    ("/v1/customers", {"email": "c@example.com"}),
    ("/v1/agents", {"email": "a@example.com"}),
    ("/v1/calendars", {"timezone": "UTC", "hours": {"mon": [["09:00", "17:00"]]}}),
    ("/v1/sla-plans", {"first_response_minutes": 60, "resolution_minutes": 480}),
]
"""Admin routes whose body has a `name`, with the rest of a valid body."""

NOT_UTF8 = {
    "latin-1": b'{"subject": "Caf\xe9", "body": "x"}',
    "overlong": b'{"subject": "x", "body": "\xc0\xbcscript\xc0\xbe"}',
    "encoded-surrogate": b'{"subject": "x", "body": "\xed\xa0\x80"}',
    "utf16-bom": b'\xff\xfe{"subject": "x", "body": "y"}',
}

UNKNOWN_FIELDS = [
    ("customer", "/v1/tickets", {"subject": "Hi", "body": "x", "status": "closed"}, "status"),
    ("customer", "/v1/tickets", {"subject": "Hi", "body": "x", "assignee_id": None}, "assignee_id"),
    ("customer", "/v1/tickets", {"subject": "Hi", "body": "x", "__proto__": {}}, "__proto__"),
    ("admin", "/v1/customers", {"name": "Eve", "email": "e@example.com", "role": "admin"}, "role"),
    ("admin", "/v1/agents", {"name": "Eve", "email": "e@example.com", "token": "t"}, "token"),
]
"""Mass-assignment attempts: (caller, route, body, the field to be named)."""
