"""Text search answers the same on both stores, over any Unicode: a ticket is found when
every term of the query occurs inside a word of its subject or messages (`words`), as a
plain reading of the texts in Python says; the text never acts as query syntax."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.ticket import Ticket
from projections.queue import queries
from projections.queue.handlers import QueueProjection
from projections.words import WORD_MAX
from wiring.config import Settings
from wiring.runtime import Runtime
from wiring.services import Services

from ..builders import CUSTOMER, ticket_fields
from ..conftest import FakeClock
from .projection_helpers import opened

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip() != ""
)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        Runtime(services).projection_runner().start()
        yield services


def found_by_reading(texts: list[str], query: str) -> bool:
    words = [w[:WORD_MAX] for text in texts for w in text.casefold().split()]
    return all(any(t[:WORD_MAX] in w for w in words) for t in query.casefold().split())


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=TEXT, body=TEXT, query=TEXT, data=st.data())
def test_text_search_finds_what_reading_finds(
    services: Services, subject: str, body: str, query: str, data: Any
) -> None:
    words = (subject + " " + body).split()
    if words and data.draw(st.booleans(), label="a piece of the text"):
        word = data.draw(st.sampled_from(words))
        start = data.draw(st.integers(0, len(word) - 1))
        query = word[start : data.draw(st.integers(start + 1, len(word)))]
    number = uuid4().hex
    ticket = Ticket.open(
        **ticket_fields(
            ticket_id=uuid4(),
            number=number,
            subject=subject.replace("\n", " ").replace("\r", " "),
            body=body,
        )
    )
    events = ticket.collect_events()
    position = services.views.position(QueueProjection.name) + 1
    services.views.apply(QueueProjection, [(position, events[0])], position)
    found = queries.search(
        services.views, queries.TicketSearch(customer_id=str(CUSTOMER.id), text=query), NOW
    )[0]
    ours = [t for t in found if t["number"] == number]
    expected = found_by_reading([ticket.subject, body], query) or query == number
    assert bool(ours) == expected
