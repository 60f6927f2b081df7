"""`GET /v1/mail/quarantine` and `.../raw` (admin): mail that could not become a ticket is
listed with its reason and downloadable byte for byte, never rendered; the embedded
mail-in worker put it there."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from wiring.services import Services
from workers import mail_store

from .conftest import Caller
from .helpers import ok, problem

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mail"


def delivered(client: TestClient[Any], *names: str) -> list[str]:
    """Stores the fixtures as the listener does, and waits for the worker to settle them."""
    services: Services = client.app.state.services
    shas = [
        mail_store.store(services.views, (FIXTURES / n).read_bytes(), services.clock())
        for n in names
    ]
    services.helpdesk.on_saved[0]()  # wake the embedded workers
    deadline = time.monotonic() + 20
    while "stored" in mail_store.states(services.views).values():
        assert time.monotonic() < deadline, "the mail-in worker did not settle the mail"
        time.sleep(0.05)
    return shas


def test_an_admin_lists_quarantined_mail_with_its_reason_and_downloads_it(
    client: TestClient[Any], admin: Caller
) -> None:
    no_from, name_only = delivered(client, "no_from.eml", "display_name_only_from.eml")

    body = ok(admin.get("/v1/mail/quarantine?limit=1"))
    (first,) = body["items"]
    rest = ok(admin.get(f"/v1/mail/quarantine?cursor={body['next_cursor']}"))["items"]

    by_sha = {item["sha256"]: item for item in [first, *rest]}
    assert set(by_sha) == {no_from, name_only}
    assert "no From" in by_sha[no_from]["reason"]
    assert "no single address" in by_sha[name_only]["reason"]
    raw = admin.get(f"/v1/mail/quarantine/{no_from}/raw")
    assert raw.status_code == 200
    assert raw.content == (FIXTURES / "no_from.eml").read_bytes()
    assert raw.headers["content-disposition"].startswith("attachment")
    assert raw.headers["x-content-type-options"] == "nosniff"


def test_mail_that_became_a_ticket_is_not_in_the_quarantine(
    client: TestClient[Any], admin: Caller
) -> None:
    (sha,) = delivered(client, "new_request.eml")

    assert ok(admin.get("/v1/mail/quarantine"))["items"] == []
    problem(admin.get(f"/v1/mail/quarantine/{sha}/raw"), 404)
    problem(admin.get("/v1/mail/quarantine/../../etc/passwd/raw"), 404)
