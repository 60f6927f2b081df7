"""The OpenAPI document tried as an integrator would: a client generated from the live
document (`/schema/openapi.json` of a real server) with `openapi-python-client`, without a
warning, drives the contract's walkthrough and gets every problem answer it can provoke as
a typed `ProblemDocument`. Its clients raise on any status the document does not declare
for the operation, so an undeclared answer fails the test."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import uuid4

import httpx
import pytest

from api.app import MAX_BODY
from wiring.config import Settings

from ..conftest import ADMIN_TOKEN, FakeClock
from .live_server import Live, live_server

BIN = Path(sys.executable).parent
PACKAGE = "ticketing_client"
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ASSIGNMENT_POLLS = 1500
"""Looks (20 ms apart) at the ticket for the assigner's work, before giving up."""


@dataclass
class Generated:
    """The generated package, against one server."""

    package: ModuleType
    models: ModuleType
    base_url: str

    def op(self, name: str) -> Any:
        """An operation's module, by tag and name: `tickets.open_ticket`."""
        return importlib.import_module(f"{PACKAGE}.api.{name}")

    def client(self, token: str, **headers: str) -> Any:
        """A client speaking with `token`, sending `headers` on every request."""
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token, headers=headers, raise_on_unexpected_status=True
        )


def call(operation: Any, expected: int, /, *args: Any, **kwargs: Any) -> tuple[Any, httpx.Headers]:
    """Calls a generated operation; asserts its status; its parsed answer and headers."""
    response = operation.sync_detailed(*args, **kwargs)
    assert response.status_code == expected, response.content
    return response.parsed, response.headers


def generate(base_url: str, into: Path) -> Path:
    """The client package generated from the server's live document; no warning."""
    document = httpx.get(f"{base_url}/schema/openapi.json")
    assert document.status_code == 200
    (into / "openapi.json").write_bytes(document.content)
    (into / "config.yaml").write_text("post_hooks: []\n")
    done = subprocess.run(
        [
            *(str(BIN / "openapi-python-client"), "generate", "--meta", "none"),
            *("--path", str(into / "openapi.json"), "--config", str(into / "config.yaml")),
            *("--output-path", str(into / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "warning" not in said.lower(), said
    return into


@pytest.fixture
def live(settings: Settings, clock: FakeClock) -> Iterator[Live]:
    with live_server(replace(settings, embedded_workers=True, rate_per_second=0), clock) as live:
        yield live


@pytest.fixture
def generated(live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Generated:
    monkeypatch.syspath_prepend(str(generate(live.base_url, tmp_path)))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        monkeypatch.delitem(sys.modules, name)
    importlib.invalidate_caches()
    package = importlib.import_module(PACKAGE)
    return Generated(package, importlib.import_module(f"{PACKAGE}.models"), live.base_url)


def organisation(api: Generated, auto_assign: str) -> dict[str, Any]:
    """A 24x7 calendar, an 8-hour plan, IT Support with its help topic, and the people."""
    m, admin = api.models, api.client(ADMIN_TOKEN)
    hours = m.DefineCalendarHours.from_dict({day: [["00:00", "24:00"]] for day in EVERY_DAY})
    define = api.op("organisation.define_calendar")
    calendar, _ = call(define, 201, client=admin, body=m.DefineCalendar("24x7", "UTC", hours))
    terms = m.DefinePlan("IT", 60, 480, calendar_id=calendar.id)
    plan, _ = call(api.op("organisation.define_plan"), 201, client=admin, body=terms)
    it = m.DefineDepartment(
        "IT Support", sla_plan_id=plan.id, auto_assign=m.AssignMode(auto_assign)
    )
    department, _ = call(api.op("organisation.define_department"), 201, client=admin, body=it)
    topic = m.DefineHelpTopic("IT Support", department.id)
    topic, _ = call(api.op("organisation.define_help_topic"), 201, client=admin, body=topic)
    register = api.op("organisation.register_agent")
    people = {
        name: call(register, 201, client=admin, body=body)[0]
        for name, body in {
            "john": m.RegisterAgent("John Doe", "john@example.com", department_ids=[department.id]),
            "ada": m.RegisterAgent("Ada Audit", "ada@example.com", role="auditor"),
            "ann": m.RegisterAgent("Ann Alyst", "ann@example.com", role="analyst"),
        }.items()
    }
    customer = m.RegisterCustomer("Alex Kunde", "alex@example.com")
    people["alex"], _ = call(
        api.op("organisation.register_customer"), 201, client=admin, body=customer
    )
    return {
        "department": department,
        "topic": topic,
        "ids": {name: person.id for name, person in people.items()},
        "tokens": {name: person.token for name, person in people.items()},
        **{name: api.client(person.token) for name, person in people.items()},
    }


def opened(api: Generated, org: dict[str, Any]) -> Any:
    body = api.models.OpenTicket(
        "Online Banking Outage", "I cannot log in.", help_topic_id=org["topic"].id
    )
    ticket, _ = call(api.op("tickets.open_ticket"), 201, client=org["alex"], body=body)
    return ticket


def test_a_generated_client_drives_the_walkthrough(generated: Generated, clock: FakeClock) -> None:
    api, m = generated, generated.models
    org = organisation(api, "round_robin")
    john, alex, ada, ann = (org[name] for name in ("john", "alex", "ada", "ann"))
    ticket = opened(api, org)
    assert (ticket.department_id, ticket.status) == (org["department"].id, "open")
    due = datetime.fromisoformat(ticket.created_at) + timedelta(hours=8)
    assert datetime.fromisoformat(ticket.sla.resolution_due) == due

    read = api.op("tickets.get_ticket")
    for _ in range(ASSIGNMENT_POLLS):  # the assigner works beside the API
        if call(read, 200, ticket.id, client=john)[0].assignee_id == org["ids"]["john"]:
            break
        time.sleep(0.02)
    else:
        pytest.fail("the ticket was never assigned")

    def command(name: str, caller: Any, body: Any) -> tuple[Any, int]:
        answer, headers = call(api.op(f"tickets.{name}"), 200, ticket.id, client=caller, body=body)
        return answer, int(headers["X-Log-Position"])

    replied, _ = command("reply_to_ticket", john, m.PostMessage("Which browser do you use?"))
    clock.advance(minutes=5)
    status = m.ChangeStatus(m.ChangeStatusStatus.IN_PROGRESS)
    command("change_status", john, status)
    _, position = command("add_note", john, m.PostMessage("Gateway logs: account locked"))
    seen, _ = call(read, 200, ticket.id, client=alex)
    assert [message.kind for message in seen.messages] == ["reply", "reply"]

    queue, _ = call(api.op("queues.my_queue"), 200, client=john, min_position=position)
    (item,) = queue.items
    assert (item.ticket_id, item.status) == (ticket.id, m.Status.IN_PROGRESS)
    assert item.business_minutes_left is not None
    assert item.sla_state == m.SLAState.ON_TRACK
    department_queue = api.op("queues.department_queue")
    found, _ = call(
        department_queue, 200, org["department"].id, client=john, status="open, in_progress"
    )
    assert [i.ticket_id for i in found.items] == [ticket.id]
    timers, _ = call(api.op("sla.sla_timers"), 200, client=john, min_position=position)
    assert [t.ticket_id for t in timers.items] == [ticket.id]

    command("resolve_ticket", john, m.ResolveTicket("Password reset"))
    command("reopen_ticket", alex, m.ReopenTicket("It happens again"))
    command("resolve_ticket", john, m.ResolveTicket("Password reset, and the lock lifted"))
    command("close_ticket", alex, m.CloseTicket())
    reviewed, position = command("review_ticket", alex, m.ReviewTicket(5, comment="Quick"))
    assert (reviewed.status, reviewed.review.rating) == ("closed", 5)

    history, _ = call(api.op("tickets.get_ticket_history"), 200, ticket.id, client=ada)
    types = [event.type_ for event in history.items]
    for step in ("Created", "Assigned", "Replied", "NoteAdded", "Resolved", "Reopened"):
        assert step in types
    assert types[-2:] == ["Closed", "Reviewed"]
    assert all(event.actor_id and event.occurred_at for event in history.items)
    then, _ = call(read, 200, ticket.id, client=ada, version=replied.version)
    assert (then.version, then.status) == (replied.version, "open")
    moment = datetime.fromisoformat(replied.updated_at)
    assert call(read, 200, ticket.id, client=ada, as_of=moment)[0].version == replied.version
    verified, _ = call(api.op("tickets.verify_ticket"), 200, ticket.id, client=ada)
    assert (verified.ok, verified.events) == (True, len(history.items))

    audit, _ = call(
        api.op("audit.audit_events"), 200, client=ada, ticket_id=ticket.id, min_position=position
    )
    assert [event.type_ for event in audit.items] == types
    feed, _ = call(api.op("events.event_log"), 200, client=ann, limit=200)
    assert {event.aggregate for event in feed.items} >= {"Ticket", "Department"}
    day = ticket.created_at[:10]
    report, _ = call(
        api.op("reports.daily_report"), 200, client=ann, from_=day, to=day, min_position=position
    )
    assert [(row.group_id, row.created, row.reopened) for row in report.items] == [
        (str(org["department"].id), 1, 1)
    ]
    search, _ = call(api.op("tickets.search_tickets"), 200, client=john, q="banking")
    assert [t.ticket_id for t in search.items] == [ticket.id]
    admin = api.client(ADMIN_TOKEN)
    listed, _ = call(api.op("organisation.list_departments"), 200, client=admin)
    assert [d.name for d in listed.items] == ["IT Support"]
    assert call(api.op("projections.projection_status"), 200, client=admin)[0].items
    assert isinstance(call(api.op("mail.mail_outbox"), 200, client=admin)[0], m.OutboxList)


def refused(api: Generated, answer: Any, status: int, kind: str | None = None) -> Any:
    """A problem answer, parsed as the document's `ProblemDocument`."""
    assert isinstance(answer, api.models.ProblemDocument), answer
    assert answer.status == status
    assert answer.title
    assert answer.detail
    if kind is not None:
        assert answer.type_.endswith(kind), answer.type_
    return answer


def test_a_generated_client_gets_every_problem_as_a_problem_document(generated: Generated) -> None:
    api, m = generated, generated.models
    org = organisation(api, "none")
    john, alex = org["john"], org["alex"]
    ticket = opened(api, org)
    read, note = api.op("tickets.get_ticket"), api.op("tickets.add_note")

    refused(api, call(read, 401, ticket.id, client=api.client("nobody"))[0], 401)
    refused(api, call(api.op("organisation.list_departments"), 403, client=alex)[0], 403)
    refused(api, call(read, 404, uuid4(), client=john)[0], 404, "not-found")
    bad_cursor = call(api.op("queues.my_queue"), 400, client=john, cursor="not a cursor!")[0]
    assert refused(api, bad_cursor, 400, "invalid-input").field == "cursor"
    queue = api.op("queues.department_queue")
    bad_status = call(queue, 400, org["department"].id, client=john, status="open,bogus")[0]
    assert refused(api, bad_status, 400).field == "status"

    stale = api.client(org["tokens"]["john"], **{"If-Match": f'"{ticket.version}"'})
    call(note, 200, ticket.id, client=john, body=m.PostMessage("First look"))
    answer, _ = call(note, 412, ticket.id, client=stale, body=m.PostMessage("Second look"))
    refused(api, answer, 412, "stale-version")
    keyed = api.client(org["tokens"]["john"], **{"Idempotency-Key": "one-note"})
    call(note, 200, ticket.id, client=keyed, body=m.PostMessage("Noted"))
    answer, _ = call(note, 422, ticket.id, client=keyed, body=m.PostMessage("Another"))
    refused(api, answer, 422, "idempotency-key-reused")
    call(api.op("tickets.close_ticket"), 200, ticket.id, client=john, body=m.CloseTicket())
    resolve = api.op("tickets.resolve_ticket")
    answer, _ = call(resolve, 409, ticket.id, client=john, body=m.ResolveTicket("Done"))
    refused(api, answer, 409, "invalid-transition")
    huge = m.OpenTicket("Big", "x" * (MAX_BODY + 1))
    answer, _ = call(api.op("tickets.open_ticket"), 413, client=alex, body=huge)
    refused(api, answer, 413)


def test_a_generated_client_gets_the_rate_limit_as_a_problem_document(
    generated: Generated, settings: Settings, clock: FakeClock
) -> None:
    """A second server on the same store allowing one failed authentication per address,
    refilled so slowly that the next is refused at once."""
    slow = replace(settings, embedded_workers=False, rate_per_second=0.001, rate_burst=1)
    with live_server(slow, clock) as live:
        nobody = replace(generated, base_url=live.base_url).client("nobody")
        read = generated.op("tickets.get_ticket")
        refused(generated, call(read, 401, uuid4(), client=nobody)[0], 401)
        answer, headers = call(read, 429, uuid4(), client=nobody)
        refused(generated, answer, 429, "rate-limited")
        assert int(headers["Retry-After"]) >= 1
