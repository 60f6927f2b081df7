"""`GET /v1/mail/outbox` (admin) and the outbox gauges in /metrics: what waits, what went,
and what was set aside with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.services import Services
from workers import outbox
from workers.mail import Mail

from .conftest import Caller
from .helpers import ok, problem
from .metrics_text import value


def mail(n: int) -> Mail:
    return Mail(
        message_id=f"<mail-{n}@ticketing>",
        recipient=f"customer-{n}@example.com",
        subject=f"Re: [#{n}] Printer down",
        text="Which printer?",
        html="<p>Which printer?</p>",
        position=n,
    )


def fill(client: TestClient[Any], count: int, failed: dict[int, str]) -> Services:
    """`count` composed mails, the ones in `failed` set aside with those reasons."""
    services: Services = client.app.state.services
    with services.views.write() as c:
        outbox.add(c, [mail(n) for n in range(1, count + 1)], [], services.clock())
    for n, reason in failed.items():
        outbox.set_aside(services.views, mail(n).message_id, 1, reason)
    return services


def listed(caller: Caller, query: str) -> tuple[list[dict[str, Any]], str | None]:
    body = ok(caller.get(f"/v1/mail/outbox?{query}"))
    return body["items"], body["next_cursor"]


def test_an_admin_sees_the_mail_set_aside_with_its_reason(
    client: TestClient[Any], admin: Caller
) -> None:
    fill(client, 3, {2: "550 5.1.1 No such mailbox"})

    items, next_cursor = listed(admin, "state=failed")

    assert items == [
        {
            "message_id": "<mail-2@ticketing>",
            "recipient": "customer-2@example.com",
            "subject": "Re: [#2] Printer down",
            "state": "failed",
            "attempts": 1,
            "next_attempt_at": None,
            "sent_at": None,
            "failure": "550 5.1.1 No such mailbox",
        }
    ]
    assert next_cursor is None
    pending, _ = listed(admin, "state=pending")
    assert [m["message_id"] for m in pending] == ["<mail-1@ticketing>", "<mail-3@ticketing>"]
    assert all(m["next_attempt_at"] == "2026-03-02T09:00:00.000000Z" for m in pending)


def test_the_outbox_pages_in_the_order_its_mail_was_composed(
    client: TestClient[Any], admin: Caller
) -> None:
    fill(client, 5, {4: "refused"})
    seen: list[str] = []
    query = "limit=2"

    for _ in range(4):
        items, next_cursor = listed(admin, query)
        seen += [m["message_id"] for m in items]
        if next_cursor is None:
            break
        query = f"limit=2&cursor={next_cursor}"

    assert seen == [f"<mail-{n}@ticketing>" for n in range(1, 6)]


@pytest.mark.parametrize(("query", "field"), [("state=lost", "state"), ("cursor=xyz", "cursor")])
def test_an_unknown_state_or_cursor_is_refused_naming_it(
    admin: Caller, query: str, field: str
) -> None:
    problem(admin.get(f"/v1/mail/outbox?{query}"), 400, field=field)


def test_metrics_count_the_pending_and_the_failed_mail(
    client: TestClient[Any], admin: Caller
) -> None:
    fill(client, 4, {1: "refused", 3: "refused", 4: "refused"})

    text = client.get("/metrics").text

    assert "# TYPE ticketing_mail_outbox gauge" in text
    assert value(text, "ticketing_mail_outbox", state="pending") == 1
    assert value(text, "ticketing_mail_outbox", state="failed") == 3
