"""`ticketing demo`: the walkthrough of the contract, over HTTP, on a throwaway store."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

_ADMIN = "demo-admin-token"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _until(probe: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Polls an eventually consistent fact (the assigner works in the background)."""
    deadline = time.monotonic() + seconds
    while not (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


class _Narrator:
    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.step = 0

    def call(self, who: str, token: str, method: str, path: str, body: Any = None) -> Any:
        self.step += 1
        answer = self.client.request(method, path, json=body, headers=_bearer(token))
        print(f"{self.step:2}. {who:<9} {method} {path} -> {answer.status_code}")
        if answer.status_code >= 400:
            raise SystemExit(f"    unexpected answer: {answer.text}")
        return answer.json()


def run_demo() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
    from api.app import create_app

    from .demo_mail import Catcher, free_port, walk_mail

    with tempfile.TemporaryDirectory() as folder, Catcher() as catcher:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        listen = free_port()
        settings = Settings(
            database_url=url,
            admin_token=_ADMIN,
            smtp_url=f"smtp://127.0.0.1:{catcher.port}",
            mail_address="support@desk.example",
            mail_in_listen=f"127.0.0.1:{listen}",
        )
        migrate(settings)
        services = build_services(settings)
        with TestClient(create_app(services)) as client:
            _walk(_Narrator(client))
            walk_mail(services, catcher, listen)
    return 0


def _organise(n: _Narrator) -> dict[str, Any]:
    """The IT Support department: office hours in Berlin, 8 business hours to resolve,
    round-robin assignment; the help topic customers choose."""
    office = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    calendar = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/calendars",
        {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": office},
    )
    plan = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/sla-plans",
        {
            "name": "Standard",
            "first_response_minutes": 60,
            "resolution_minutes": 480,
            "calendar_id": calendar["id"],
        },
    )
    department = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/departments",
        {"name": "IT Support", "sla_plan_id": plan["id"], "auto_assign": "round_robin"},
    )
    topic = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/help-topics",
        {"name": "IT Support", "department_id": department["id"]},
    )
    return {"department": department, "topic": topic}


def _walk(n: _Narrator) -> None:
    org = _organise(n)
    customer = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/customers",
        {"name": "Alex Customer", "email": "alex@example.com"},
    )
    john = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/agents",
        {
            "name": "John Doe",
            "email": "john.doe@example.com",
            "department_ids": [org["department"]["id"]],
        },
    )
    auditor = n.call(
        "admin",
        _ADMIN,
        "POST",
        "/v1/agents",
        {"name": "Ada Auditor", "email": "ada@example.com", "role": "auditor"},
    )
    c, j, a = customer["token"], john["token"], auditor["token"]
    ticket = n.call(
        "customer",
        c,
        "POST",
        "/v1/tickets",
        {
            "subject": "Online Banking Outage",
            "body": "I cannot log in since 9:00.",
            "help_topic_id": org["topic"]["id"],
        },
    )
    t = f"/v1/tickets/{ticket['id']}"
    routed = ticket["department_id"] == org["department"]["id"]
    print(f"    ticket #{ticket['number']} is {ticket['status']}, routed to IT Support: {routed}")
    assigned = _until(lambda: n.client.get(t, headers=_bearer(j)).json()["assignee_id"])
    print(f"    auto-assigned to John Doe: {assigned == john['id']}")
    first_reply = n.call(
        "John", j, "POST", f"{t}/replies", {"body": "Which browser and error message do you see?"}
    )
    n.call("John", j, "POST", f"{t}/status", {"status": "in_progress"})
    n.call("John", j, "POST", f"{t}/notes", {"body": "Checked the auth service logs."})
    seen = n.call("customer", c, "GET", t)
    print(f"    the customer sees {len(seen['messages'])} messages, no internal note")
    sla = seen["sla"]
    print(
        f"    SLA {sla['state']}: first response due {sla['first_response_due']},"
        f" resolution due {sla['resolution_due']} (8 business hours, Berlin office hours)"
    )
    n.call("John", j, "POST", f"{t}/resolve", {"resolution": "Password reset."})
    n.call("customer", c, "POST", f"{t}/reopen", {"reason": "Still cannot log in."})
    n.call("John", j, "POST", f"{t}/resolve", {"resolution": "Password reset, cache cleared."})
    n.call("customer", c, "POST", f"{t}/close", {})
    done = n.call("customer", c, "POST", f"{t}/review", {"rating": 5, "comment": "Thanks!"})
    print(f"    the ticket is {done['status']}, reviewed {done['review']['rating']}/5")
    history = n.call("auditor", a, "GET", f"{t}/history")
    for item in history["items"]:
        print(
            f"    v{item['version']:<2} {item['occurred_at']} {item['type']:<14}"
            f" by {item['actor_role']} {item['actor_id']}"
        )
    then = n.call("auditor", a, "GET", f"{t}?version={first_reply['version']}")
    print(
        f"    after the first reply it was {then['status']} with {len(then['messages'])} messages"
    )
    proof = n.call("auditor", a, "GET", f"{t}/verify")
    print(f"    chain ok={proof['ok']} over {proof['events']} events, head {proof['head'][:16]}…")
