"""An erasure empties the raw mail of the erased customer: their tickets' messages and any
quarantined one from their address; others' stay, and an address that no longer parses
(the erased one reads `[erased]`) matches nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from projections.view_store import ViewStore
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.views import open_views
from workers import mail_store
from workers.mail_store import InboundState

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _mail(sender: str, text: str) -> bytes:
    return f"From: {sender}\r\nSubject: Hi\r\n\r\n{text}\r\n".encode()


@pytest.fixture
def views(settings: Settings) -> Iterator[ViewStore]:
    migrate(settings)
    store = open_views(settings)
    yield store
    store.close()


def _quarantined(views: ViewStore, raw: bytes) -> str:
    sha = mail_store.store(views, raw, NOW)
    with views.write() as c:
        mail_store.settle(c, sha, InboundState.QUARANTINED, NOW, "no ticket")
    return sha


def test_the_erased_customers_raw_mail_is_emptied_and_no_one_elses(views: ViewStore) -> None:
    theirs = _quarantined(views, _mail("Zeb <ZEB@example.com>", "porcupine"))
    ticketed = mail_store.store(views, _mail("zeb@example.com", "marmalade"), NOW)
    others = _quarantined(views, _mail("ann@example.com", "other"))
    unparsable = _quarantined(views, _mail("not an address", "odd"))

    with views.write() as c:
        mail_store.forget(c, [ticketed], "zeb@example.com")

    assert mail_store.raw_of(views, theirs) == b""
    assert mail_store.raw_of(views, ticketed) == b""
    assert b"other" in (mail_store.raw_of(views, others) or b"")
    with views.write() as c:
        mail_store.forget(c, [], "[erased]")
    assert b"odd" in (mail_store.raw_of(views, unparsable) or b"")
