"""The console's pages by role: the walkthrough through the forms, scopes (an agent's
departments, a customer's own tickets, notes never on a customer's page), role refusals
that record nothing, and hostile text shown as text."""

from __future__ import annotations

import html
import re

import pytest

from .desk import HOSTILE, Organisation, Person, api, eventually, once, open_ticket


def _state(page: str) -> str:
    found = re.search(r'<span class="badge status-([a-z_]+)">', page)
    assert found, page
    return found.group(1)


def test_the_walkthrough_through_the_forms(org: Organisation) -> None:
    customer, agent, auditor = (org.people[k] for k in ("customer", "agent", "auditor"))
    customer.sign_in()
    agent.sign_in()
    auditor.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Online Banking Outage", "I cannot log in.")
    page = f"/console/tickets/{ticket_id}"

    queue = eventually(agent, "/console/queue", "Online Banking Outage")
    assert 'class="countdown" datetime="2026-03-02T10:00:00.000000Z"' in queue.text
    department = agent.get(f"/console/queue/departments/{org.department_id}?assignee=me&sort=due")
    assert "Online Banking Outage" in department.text

    ticket = agent.get(page)
    sent = agent.post(f"{page}/reply", body="Which browser do you use?", once=once(ticket))
    assert sent.status_code == 303
    assert "min_position=" in sent.headers["location"]
    assert "Which browser do you use?" in agent.follow(sent).text
    agent.post(f"{page}/status", status="in_progress")
    agent.post(f"{page}/note", body="Reset the password in the admin tool.")
    agent.post(f"{page}/priority", priority="high")
    resolved = agent.follow(agent.post(f"{page}/resolve", resolution="Password reset."))
    assert _state(resolved.text) == "resolved"

    seen = customer.get(page).text
    assert "Which browser do you use?" in seen
    assert "Reset the password" not in seen
    assert "Internal note" not in seen
    assert _state(customer.follow(customer.post(f"{page}/reopen", reason="Still broken")).text) == (
        "open"
    )
    agent.post(f"{page}/resolve", resolution="Cleared the session cache.")
    assert _state(customer.follow(customer.post(f"{page}/close")).text) == "closed"
    reviewed = customer.follow(customer.post(f"{page}/review", rating="5", comment="Quick!"))
    assert "5 of 5" in reviewed.text

    timeline = auditor.get(f"{page}/history").text
    assert "Verified:" in timeline
    for name in ("Created", "Replied", "NoteAdded", "Resolved", "Reopened", "Closed", "Reviewed"):
        assert f'<span class="event-name">{name}</span>' in timeline
    assert "John Doe" in timeline
    assert "correlation" in timeline
    first_reply = auditor.get(f"{page}?version=3").text
    assert "as it was at version 3" in first_reply
    assert 'action="' not in first_reply.split("<main", 1)[1], "an old version takes no forms"


def test_a_form_sent_twice_is_recorded_once(org: Organisation) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Printer", "It jams.")
    page = customer.get(f"/console/tickets/{ticket_id}")
    key = once(page)
    for _ in range(2):
        customer.post(f"/console/tickets/{ticket_id}/reply", body="Any news?", once=key)
    assert customer.get(f"/console/tickets/{ticket_id}").text.count("Any news?") == 1


def test_customers_see_only_their_own_tickets(org: Organisation) -> None:
    customer, other = org.people["customer"], org.people["other"]
    customer.sign_in()
    other.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Online Banking Outage", "Help")
    assert "Online Banking Outage" in customer.get("/console/tickets").text
    assert "Online Banking Outage" not in other.get("/console/tickets").text
    assert other.get(f"/console/tickets/{ticket_id}").status_code == 404
    refused = other.post(f"/console/tickets/{ticket_id}/reply", body="Not mine")
    assert refused.status_code == 404
    assert "Not mine" not in customer.get(f"/console/tickets/{ticket_id}").text


def test_agents_work_only_their_departments(org: Organisation) -> None:
    customer, billing = org.people["customer"], org.people["billing"]
    customer.sign_in()
    billing.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Online Banking Outage", "Help")
    assert billing.get(f"/console/tickets/{ticket_id}").status_code == 404
    assert billing.get(f"/console/queue/departments/{org.department_id}").status_code == 404
    assert billing.post(f"/console/tickets/{ticket_id}/note", body="x").status_code == 404


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("customer", "/console/queue"),
        ("customer", "/console/search"),
        ("customer", "/console/reports"),
        ("analyst", "/console/queue"),
        ("auditor", "/console/reports"),
        ("agent", "/console/reports"),
        ("agent", "/console/tickets/new"),
    ],
)
def test_pages_keep_the_apis_roles(people: dict[str, Person], who: str, path: str) -> None:
    person = people[who]
    person.sign_in()
    assert person.get(path).status_code == 403


def test_readers_may_not_change_a_ticket(org: Organisation) -> None:
    customer, auditor, analyst = (org.people[k] for k in ("customer", "auditor", "analyst"))
    for person in (customer, auditor, analyst):
        person.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Online Banking Outage", "Help")
    assert auditor.post(f"/console/tickets/{ticket_id}/reply", body="x").status_code == 403
    assert auditor.post(f"/console/tickets/{ticket_id}/note", body="x").status_code == 403
    assert analyst.get(f"/console/tickets/{ticket_id}").status_code == 403
    assert customer.post(f"/console/tickets/{ticket_id}/note", body="x").status_code == 403
    history = auditor.get(f"/console/tickets/{ticket_id}/history").text
    assert '<span class="event-name">Created</span>' in history
    assert "NoteAdded" not in history
    assert "Replied" not in history


def test_supervisors_and_analysts_read_the_daily_report(org: Organisation) -> None:
    customer, supervisor, analyst = (org.people[k] for k in ("customer", "supervisor", "analyst"))
    customer.sign_in()
    open_ticket(customer, org.topic_id, "Online Banking Outage", "Help")
    for person in (supervisor, analyst):
        person.sign_in()
        report = person.get("/console/reports?from=2026-03-01&to=2026-03-02&group_by=department")
        assert report.status_code == 200
        assert "IT Support" in report.text
        assert '<svg class="plot"' in report.text
        assert "Tickets per day, 2026-03-01 to 2026-03-02 (UTC)" in report.text
        assert 'class="series series-created"' in report.text
    per_agent = analyst.get("/console/reports?from=2026-03-01&to=2026-03-02&group_by=agent")
    assert per_agent.status_code == 200
    assert 'class="series series-created"' in per_agent.text
    assert analyst.get("/console/reports?from=2026-03-05&to=2026-03-01").status_code == 400


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_shown_as_text(org: Organisation, hostile: str) -> None:
    customer, agent = org.people["customer"], org.people["agent"]
    customer.sign_in()
    agent.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, hostile, hostile)
    pages = [
        eventually(agent, "/console/queue", 'class="subject"').text,
        agent.get(f"/console/tickets/{ticket_id}").text,
        customer.get("/console/tickets").text,
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert "\u202e" not in page
    if "\u202e" in hostile:
        assert "[RLO]" in pages[1]
    else:
        assert "&lt;" in pages[1]


def test_queues_page_by_keyset_and_search_finds_tickets(org: Organisation) -> None:
    customer, supervisor, auditor = (org.people[k] for k in ("customer", "supervisor", "auditor"))
    for n in range(52):
        api(customer.client, customer.token, "/v1/tickets", {"subject": f"Outage {n}", "body": "x"})
    supervisor.sign_in()
    queue = f"/console/queue/departments/{org.other_department_id}"
    assert "Nothing here" in supervisor.get(queue).text
    queue = f"/console/queue/departments/{org.department_id}?sort=created"
    first = eventually(supervisor, queue, "Outage 51")
    assert first.text.count('class="subject"') == 50
    following = re.search(r'rel="next" href="\?([^"]+)"', first.text)
    assert following, first.text
    onward = html.unescape(following.group(1))
    second = supervisor.get(f"/console/queue/departments/{org.department_id}?{onward}")
    assert second.text.count('class="subject"') == 2
    shown = re.findall(r"Outage \d+", first.text + second.text)
    assert len(set(shown)) == 52
    auditor.sign_in()
    assert "Outage 7<" in auditor.get("/console/search?q=Outage+7").text


def test_a_command_the_state_refuses_is_said_plainly(org: Organisation) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Printer", "It jams.")
    refused = customer.post(f"/console/tickets/{ticket_id}/review", rating="5", comment="")
    assert refused.status_code == 409
    assert "Not possible in the ticket&#39;s current state" in refused.text
    assert f'href="/console/tickets/{ticket_id}"' in refused.text
    empty = customer.post(f"/console/tickets/{ticket_id}/reply", body="   ")
    assert empty.status_code == 400
    assert "body" in empty.text
