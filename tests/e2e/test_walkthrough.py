"""The walkthrough every release must pass (API.md), end to end: a real server process
with its workers embedded, real HTTP, real SMTP, real clock, on SQLite and PostgreSQL.

The SLA plan runs under a calendar of business hours every day from 00:00 to 24:00 UTC:
whenever the test runs (nights, weekends, DST changes) the clock is running, so the queue's
countdown moves and "8 business hours after creation" is exactly `created_at + 8 h`, an
expectation the test computes itself as well as asking the server's preview. The office
calendar (Europe/Berlin, Mon-Fri 09:00-17:00) is checked by a preview at a fixed moment.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from .conftest import ADMIN_TOKEN, Inbox, Server, poll

REPLY = "Could you tell us which browser you use and the exact error message?"
NOTE = "Troubleshooting: gateway logs show repeated failed logins, account locked"
RESOLUTION = "Password reset; the account is unlocked and online banking works again"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def rfc3339(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Caller:
    """One person's view of the API: their token on every request."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, status: int = 200, **params: Any) -> Any:
        answer = self.client.get(path, params=params, headers=self.headers)
        assert answer.status_code == status, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> tuple[Any, int]:
        """A command's answer and its X-Log-Position (a preview, which records nothing,
        answers -1)."""
        answer = self.client.post(path, json=body, headers=self.headers)
        assert answer.status_code == status, f"POST {path}: {answer.status_code} {answer.text}"
        if path.endswith("/preview"):
            return answer.json(), -1
        return answer.json(), int(answer.headers["X-Log-Position"])


def set_up(admin: Caller) -> dict[str, Any]:
    """Step 1: the organisation, and the people of the story."""
    hours = {day: [["00:00", "24:00"]] for day in EVERY_DAY}
    calendar, _ = admin.post(
        "/v1/calendars", {"name": "24x7", "timezone": "UTC", "hours": hours}, 201
    )
    office_hours = {day: [["09:00", "17:00"]] for day in EVERY_DAY[:5]}
    office, _ = admin.post(
        "/v1/calendars",
        {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": office_hours},
        201,
    )
    terms = {"first_response_minutes": 60, "resolution_minutes": 480}
    plan, _ = admin.post(
        "/v1/sla-plans", {"name": "IT", "calendar_id": calendar["id"], **terms}, 201
    )
    assert plan["resolution_minutes"] == 480
    office_plan, _ = admin.post(
        "/v1/sla-plans", {"name": "Office", "calendar_id": office["id"], **terms}, 201
    )
    # Friday 16:00 CET: 1 h that day, 7 h on Monday from 09:00, so due Monday 16:00 CET.
    due = admin.post(
        f"/v1/sla-plans/{office_plan['id']}/preview", {"start": "2026-03-06T15:00:00Z"}
    )[0]
    assert due == {
        "first_response_due": "2026-03-06T16:00:00.000000Z",
        "resolution_due": "2026-03-09T15:00:00.000000Z",
    }
    department, _ = admin.post(
        "/v1/departments",
        {"name": "IT Support", "sla_plan_id": plan["id"], "auto_assign": "round_robin"},
        201,
    )
    topic, _ = admin.post(
        "/v1/help-topics", {"name": "IT Support", "department_id": department["id"]}, 201
    )
    john, _ = admin.post(
        "/v1/agents",
        {
            "name": "John Doe",
            "email": "john.doe@example.com",
            "role": "agent",
            "department_ids": [department["id"]],
        },
        201,
    )
    customer, _ = admin.post(
        "/v1/customers", {"name": "Alex Kunde", "email": "alex@example.com"}, 201
    )
    auditor, _ = admin.post(
        "/v1/agents", {"name": "Ada Audit", "email": "ada@example.com", "role": "auditor"}, 201
    )
    return {
        "plan": plan["id"],
        "department": department["id"],
        "topic": topic["id"],
        "john": john,
        "customer": customer,
        "auditor": auditor,
    }


def test_walkthrough(server: Server, smtp: tuple[Inbox, int]) -> None:
    inbox = smtp[0]
    latencies: dict[str, float] = {}
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        org = set_up(Caller(client, ADMIN_TOKEN))
        john_id, customer_id = org["john"]["id"], org["customer"]["id"]
        john = Caller(client, org["john"]["token"])
        customer = Caller(client, org["customer"]["token"])
        auditor = Caller(client, org["auditor"]["token"])

        # 2. The customer reports the outage; it is routed, then auto-assigned.
        opened = {
            "subject": "Online Banking Outage",
            "body": "I cannot log in to online banking since this morning.",
            "help_topic_id": org["topic"],
        }
        ticket, _ = customer.post("/v1/tickets", opened, 201)
        tid, number, created_at = ticket["id"], ticket["number"], ticket["created_at"]
        assert ticket["department_id"] == org["department"]
        assert ticket["help_topic_id"] == org["topic"]
        assert ticket["customer_id"] == customer_id
        assert ticket["status"] == "open"
        assert ticket["sla"]["plan_id"] == org["plan"]
        expected_due = rfc3339(datetime.fromisoformat(created_at) + timedelta(hours=8))
        assert ticket["sla"]["resolution_due"] == expected_due

        def assigned() -> Any:
            seen = john.get(f"/v1/tickets/{tid}")
            return seen if seen["assignee_id"] == john_id else None

        _, latencies["auto-assignment visible on the ticket"] = poll("assignment", assigned)

        # 3. John asks for details; the customer receives the reply by mail.
        replied, _ = john.post(f"/v1/tickets/{tid}/replies", {"body": REPLY})
        replied_version = replied["version"]
        mail, took = inbox.wait_for(
            "the reply mail",
            lambda m: "alex@example.com" in m.recipients and m.subject.startswith("Re: "),
        )
        latencies["reply mail received"] = took
        assert f"#{number}" in mail.subject
        assert "Online Banking Outage" in mail.subject
        assert REPLY in mail.text

        # 4. In progress, with an internal note the customer never sees.
        moved, _ = john.post(f"/v1/tickets/{tid}/status", {"status": "in_progress"})
        assert moved["status"] == "in_progress"
        noted, note_position = john.post(f"/v1/tickets/{tid}/notes", {"body": NOTE})
        assert [m["kind"] for m in noted["messages"]] == ["reply", "reply", "note"]
        as_customer = customer.get(f"/v1/tickets/{tid}")
        assert as_customer["status"] == "in_progress"
        assert all(m["kind"] == "reply" for m in as_customer["messages"])
        assert NOTE not in str(as_customer)
        assert [m["body"] for m in as_customer["messages"]] == [opened["body"], REPLY]
        their_history = customer.get(f"/v1/tickets/{tid}/history")["items"]
        assert "NoteAdded" not in [e["type"] for e in their_history]
        assert NOTE not in str(their_history)

        # 5. The queue shows the SLA countdown; the timers list the clock.
        sent = time.monotonic()
        queue = john.get("/v1/queues/mine", min_position=note_position)
        latencies["queue read after the note (min_position)"] = time.monotonic() - sent
        item = next(i for i in queue["items"] if i["ticket_id"] == tid)
        preview, _ = john.post(f"/v1/sla-plans/{org['plan']}/preview", {"start": created_at})
        assert item["resolution_due"] == preview["resolution_due"] == expected_due
        assert item["status"] == "in_progress"
        assert item["assignee_id"] == john_id
        assert item["sla_state"] == "on_track"
        left = item["business_minutes_left"]
        assert type(left) in (int, float), item
        assert 420 < left <= 480, item
        sent = time.monotonic()
        timers = john.get("/v1/sla/timers", min_position=note_position)
        latencies["timers read after the note (min_position)"] = time.monotonic() - sent
        timer = next(t for t in timers["items"] if t["ticket_id"] == tid)
        assert timer["resolution_due"] == expected_due
        assert timer["sla_state"] == "on_track"

        # 6. Resolved, reopened, resolved again, confirmed and reviewed.
        resolved, _ = john.post(f"/v1/tickets/{tid}/resolve", {"resolution": RESOLUTION})
        assert resolved["status"] == "resolved"

        def resolution_mails() -> list[Any]:
            return [
                m
                for m in inbox.mails()
                if "alex@example.com" in m.recipients and m.subject.startswith("Resolved: ")
            ]

        _, latencies["resolution mail received"] = poll("the resolution mail", resolution_mails)
        mail = resolution_mails()[0]
        assert f"#{number}" in mail.subject
        assert RESOLUTION in mail.text
        reopened, _ = customer.post(f"/v1/tickets/{tid}/reopen", {"reason": "It fails again."})
        assert reopened["status"] == "open"
        again, _ = john.post(f"/v1/tickets/{tid}/resolve", {"resolution": RESOLUTION})
        assert again["status"] == "resolved"
        closed, _ = customer.post(f"/v1/tickets/{tid}/close", {})
        assert closed["status"] == "closed"
        review = {"rating": 5, "comment": "Fast and friendly."}
        reviewed, _ = customer.post(f"/v1/tickets/{tid}/review", review)
        assert reviewed["review"]["rating"] == 5
        poll("the second resolution mail", lambda: len(resolution_mails()) == 2)
        assert all(NOTE not in m.text and NOTE not in m.subject for m in inbox.mails())

        # 7. The auditor reads the history, the past, and verifies the chain.
        history = auditor.get(f"/v1/tickets/{tid}/history")["items"]
        check_history(history, john_id, customer_id)
        first_reply = next(e for e in history if e["type"] == "Replied")
        n = first_reply["version"]
        assert replied_version == n + 1  # the answer's version includes the SLAMet it caused
        then = auditor.get(f"/v1/tickets/{tid}", version=n)
        assert then["version"] == n
        assert then["status"] == "open"
        assert then["assignee_id"] == john_id
        assert [(m["kind"], m["body"]) for m in then["messages"]] == [
            ("reply", opened["body"]),
            ("reply", REPLY),
        ]
        assert then["resolution"] is None
        assert then["review"] is None
        verified = auditor.get(f"/v1/tickets/{tid}/verify")
        assert verified["ok"] is True, verified
        assert verified["events"] == len(history)

    # 8. How long each step took to become visible.
    print(f"\nwalkthrough on {server.store}:")
    for step, seconds in latencies.items():
        print(f"  {step:<45} {seconds * 1000:8.1f} ms")


def check_history(history: list[dict[str, Any]], john_id: str, customer_id: str) -> None:
    """Every step, oldest first, with who did it and when."""
    assert [e["type"] for e in history] == [
        "Created",
        "SLAStarted",
        "Assigned",
        "Replied",
        "SLAMet",
        "StatusChanged",
        "NoteAdded",
        "Resolved",
        "SLAMet",
        "Reopened",
        "SLAStarted",
        "Resolved",
        "SLAMet",
        "Closed",
        "Reviewed",
    ]
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    positions = [e["position"] for e in history]
    assert positions == sorted(set(positions))
    moments = [e["occurred_at"] for e in history]
    assert all(RFC3339.match(at) for at in moments), moments
    assert moments == sorted(moments)
    actors = {"Created": customer_id, "Reopened": customer_id, "Closed": customer_id}
    actors |= {"Reviewed": customer_id, "Replied": john_id, "StatusChanged": john_id}
    actors |= {"NoteAdded": john_id, "Resolved": john_id}
    for before, event in zip([None, *history], history, strict=False):
        who = (event["actor_id"], event["actor_role"])
        if event["type"] in actors:
            role = "customer" if actors[event["type"]] == customer_id else "agent"
            assert who == (actors[event["type"]], role), event
        elif event["type"].startswith("SLA"):  # recorded by the command that moved the clock
            assert before is not None
            assert who == (before["actor_id"], before["actor_role"]), event
    assigned = next(e for e in history if e["type"] == "Assigned")
    assert assigned["data"]["agent_id"] == john_id
    assert assigned["data"]["reason"] == "round_robin"
    assert assigned["actor_role"] == "system"
    assert [e["data"]["target"] for e in history if e["type"] == "SLAMet"] == [
        "first_response",
        "resolution",
        "resolution",
    ]
    assert [e["data"]["cycle"] for e in history if e["type"] == "SLAStarted"] == [1, 2]
    assert history[-1]["data"]["rating"] == 5
