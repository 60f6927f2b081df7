"""The console's file forms take what the API's upload route takes: no limit on the body
whole, but each file held to the attachment limit, the files to their count, and the
form's text to 1 MB; over a limit, the console's own page says it, still signed in, and
nothing is recorded. On both stores, as the blobs are kept in either."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services
from wiring.uploads import FORM_TEXT_MAX

from ..conftest import FakeClock
from .desk import Person, api, once, open_ticket, organise

BIG = 3 * 1024 * 1024 + 17
"""A file three times the size of the app's whole-body limit."""
LIMIT = 1000
PAST_THE_TEXT = "x" * (FORM_TEXT_MAX + 1)
_LINK = re.compile(r'href="(/console/attachments/[0-9a-f-]+)"')


def _client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    migrate(settings)
    with TestClient(with_console(build_services(settings, clock=clock))) as test_client:
        yield test_client


@pytest.fixture
def wide(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from _client(dataclasses.replace(settings, embedded_workers=True), clock)


@pytest.fixture
def small(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    limited = dataclasses.replace(settings, embedded_workers=True, attachment_max_bytes=LIMIT)
    yield from _client(limited, clock)


def _signed_in(client: TestClient[Any]) -> tuple[Person, str]:
    org = organise(client)
    customer = org.people["customer"]
    customer.sign_in()
    return customer, org.topic_id


def _refused(answer: Any, page: str) -> None:
    """The console's page for 413: the limit said, the way back, still signed in."""
    assert answer.status_code == 413, answer.text
    assert "<h1>Too large</h1>" in answer.text
    assert "nothing was recorded" in answer.text
    assert "Sign out" in answer.text
    assert f'href="{page}"' in answer.text


def test_a_file_past_the_old_body_limit_goes_with_a_reply_and_a_new_ticket(
    wide: TestClient[Any],
) -> None:
    customer, topic_id = _signed_in(wide)
    content = bytes(range(256)) * (BIG // 256) + b"end"
    ticket_id = open_ticket(customer, topic_id, "Scan", "The scan follows.")
    page = f"/console/tickets/{ticket_id}"
    form = customer.get(page)
    sent = customer.attach(
        f"{page}/reply", [("scan.pdf", content, "application/pdf")], body="Scan.", once=once(form)
    )
    assert sent.status_code == 303, sent.text
    new = customer.get("/console/tickets/new")
    fields = {"subject": "Video", "body": "The video.", "help_topic_id": topic_id}
    opened = customer.attach(
        "/console/tickets", [("clip.mp4", content, "video/mp4")], once=once(new), **fields
    )
    assert opened.status_code == 303, opened.text
    for answer, name in ((sent, "scan.pdf"), (opened, "clip.mp4")):
        shown = customer.follow(answer).text
        assert name in shown
        (link,) = _LINK.findall(shown)
        download = customer.get(link)
        assert download.status_code == 200
        assert download.content == content


def test_a_file_over_the_attachment_limit_gets_the_consoles_page_and_records_nothing(
    small: TestClient[Any],
) -> None:
    customer, topic_id = _signed_in(small)
    ticket_id = open_ticket(customer, topic_id, "Big", "A big file.")
    page = f"/console/tickets/{ticket_id}"
    form = customer.get(page)
    assert f"Up to 20 files of {LIMIT} bytes each." in form.text
    files = [("small.txt", b"s", "text/plain"), ("big.bin", b"b" * (LIMIT + 1), "x/y")]
    refused = customer.attach(f"{page}/reply", files, body="Both files", once=once(form))
    _refused(refused, page)
    assert f"at most {LIMIT} bytes" in refused.text
    assert customer.get(page).status_code == 200
    assert "Both files" not in customer.get(page).text
    ticket = api(small, customer.token, f"/v1/tickets/{ticket_id}")
    assert len(ticket["messages"]) == 1
    new = customer.get("/console/tickets/new")
    fields = {"subject": "Unseen", "body": "Never opened.", "help_topic_id": topic_id}
    refused = customer.attach("/console/tickets", files, once=once(new), **fields)
    _refused(refused, "/console/")
    assert "Unseen" not in customer.get("/console/tickets").text


def test_a_forms_text_is_still_held_to_a_megabyte(wide: TestClient[Any]) -> None:
    customer, topic_id = _signed_in(wide)
    ticket_id = open_ticket(customer, topic_id, "Long", "A long reply follows.")
    page = f"/console/tickets/{ticket_id}"
    form = customer.get(page)
    files = [("a.txt", b"a", "text/plain")]
    refused = customer.attach(f"{page}/reply", files, body=PAST_THE_TEXT, once=once(form))
    _refused(refused, page)
    assert f"at most {FORM_TEXT_MAX} bytes in all" in refused.text
    refused = customer.post(f"{page}/reopen", reason=PAST_THE_TEXT, once=once(form))
    _refused(refused, page)
    assert "a form may have at most 1 MB" in refused.text
    ticket = api(wide, customer.token, f"/v1/tickets/{ticket_id}")
    assert len(ticket["messages"]) == 1


def test_a_large_post_without_a_session_goes_to_sign_in_unread(wide: TestClient[Any]) -> None:
    customer, topic_id = _signed_in(wide)
    ticket_id = open_ticket(customer, topic_id, "Gone", "Signed out next.")
    stranger = Person(wide, "")
    files = [("big.bin", b"b" * (FORM_TEXT_MAX + 1), "x/y")]
    answer = stranger.attach(f"/console/tickets/{ticket_id}/reply", files, body="Kept?")
    assert answer.status_code == 401
    assert 'name="token"' in answer.text
    assert "Kept?" not in answer.text
    small = stranger.attach(f"/console/tickets/{ticket_id}/reply", [], body="Kept!")
    assert small.status_code == 401
    assert "Kept!" in small.text
