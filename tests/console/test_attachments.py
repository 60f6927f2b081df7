"""Attachments at the console: files sent with a reply or a note (the API's upload path and
limits), listed on the ticket's page as text, downloaded under the session for exactly whom
the API would serve them to (a note's file is not the customer's)."""

from __future__ import annotations

import re

import pytest

from console.render import text
from domain.attachments import clean_filename

from .desk import HOSTILE, Organisation, api, once, open_ticket

_LINK = re.compile(r'href="(/console/attachments/[0-9a-f-]+)"')


def _links(page: str) -> list[str]:
    return _LINK.findall(page)


def test_a_reply_carries_its_files_and_the_customer_downloads_them(org: Organisation) -> None:
    customer, agent = org.people["customer"], org.people["agent"]
    customer.sign_in()
    agent.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Scanner", "It is slow.")
    page = f"/console/tickets/{ticket_id}"
    form = agent.get(page)
    assert 'enctype="multipart/form-data"' in form.text
    assert 'id="reply-files" name="files" multiple' in form.text
    assert "Up to 20 files of 10 MB each." in form.text
    files = [("log.txt", b"line one\n", "text/plain"), ("shot.png", b"\x89PNG", "image/png")]
    sent = agent.attach(f"{page}/reply", files, body="Logs attached.", once=once(form))
    assert sent.status_code == 303, sent.text
    shown = agent.follow(sent).text
    assert "log.txt" in shown
    assert "9 bytes, <bdi>text/plain</bdi>" in shown
    links = _links(customer.get(page).text)
    assert len(links) == 2
    download = customer.get(links[0])
    assert download.status_code == 200
    assert download.content == b"line one\n"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "log.txt" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-security-policy"].startswith("sandbox")
    ticket = api(org.people["agent"].client, agent.token, f"/v1/tickets/{ticket_id}")
    assert [len(m["attachments"]) for m in ticket["messages"]][-1] == 2


def test_a_new_ticket_carries_its_files_once(org: Organisation) -> None:
    customer, agent = org.people["customer"], org.people["agent"]
    customer.sign_in()
    form = customer.get("/console/tickets/new")
    assert 'enctype="multipart/form-data"' in form.text
    assert 'id="new-files" name="files" multiple' in form.text
    assert "Up to 20 files of 10 MB each." in form.text
    fields = {"subject": "Printer", "body": "It jams.", "help_topic_id": org.topic_id}
    files = [("jam.txt", b"paper jam\n", "text/plain")]
    sent = customer.attach("/console/tickets", files, once=once(form), **fields)
    assert sent.status_code == 303, sent.text
    again = customer.attach("/console/tickets", files, once=once(form), **fields)
    assert again.headers["location"].split("?")[0] == sent.headers["location"].split("?")[0]
    shown = customer.follow(sent).text
    assert "It jams." in shown
    assert "jam.txt" in shown
    (link,) = _links(shown)
    assert customer.get(link).content == b"paper jam\n"
    ticket_id = str(sent.headers["location"]).split("/")[3].split("?")[0]
    agent.sign_in()
    assert agent.get(link).content == b"paper jam\n"
    ticket = api(agent.client, agent.token, f"/v1/tickets/{ticket_id}")
    assert ticket["messages"][0]["body"] == "It jams."
    assert [len(m["attachments"]) for m in ticket["messages"]] == [0, 1]


def test_a_notes_file_is_never_the_customers(org: Organisation) -> None:
    customer, agent = org.people["customer"], org.people["agent"]
    customer.sign_in()
    agent.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "VPN", "It drops.")
    page = f"/console/tickets/{ticket_id}"
    form = agent.get(page)
    files = [("internal.txt", b"secret", "text/plain")]
    sent = agent.attach(f"{page}/note", files, body="Router config.", once=once(form))
    assert sent.status_code == 303, sent.text
    (link,) = _links(agent.follow(sent).text)
    assert agent.get(link).content == b"secret"
    assert "internal.txt" not in customer.get(page).text
    refused = customer.get(link)
    assert refused.status_code == 404
    assert b"secret" not in refused.content


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_filename_is_shown_as_text(org: Organisation, hostile: str) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Files", "See attached.")
    page = f"/console/tickets/{ticket_id}"
    form = customer.get(page)
    name = f"{hostile}.txt"
    sent = customer.attach(
        f"{page}/reply", [(name, b"x", "text/html")], body="Here.", once=once(form)
    )
    shown = customer.follow(sent).text
    assert str(text(clean_filename(name))) in shown
    assert "\u202e" not in shown
    assert "<script>alert" not in shown
    assert "<img src=x" not in shown
    assert 'href="javascript:' not in shown


def test_the_multipart_form_still_needs_its_csrf_token(org: Organisation) -> None:
    customer = org.people["customer"]
    customer.sign_in()
    ticket_id = open_ticket(customer, org.topic_id, "Mouse", "It squeaks.")
    page = f"/console/tickets/{ticket_id}"
    form = customer.get(page)
    files = [("a.txt", b"a", "text/plain")]
    refused = customer.attach(f"{page}/reply", files, csrf=False, body="Hi", once=once(form))
    assert refused.status_code == 403
    shown = customer.get(page).text
    assert "a.txt" not in shown
    assert ">Hi<" not in shown
