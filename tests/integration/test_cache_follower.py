"""Two application instances on one store, each with its own cache (as two API processes
have): loads trust the cache, a stale one is caught by the store's (aggregate, version)
uniqueness and reloaded, and a catch-up with the log makes reads see the other's writes."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from domain.application import HelpDesk
from domain.ticket import Ticket
from domain.values import Actor, Role
from wiring.config import Settings
from wiring.event_store import open_helpdesk
from wiring.migrate import migrate

from ..conftest import FakeClock
from .conftest import AGENT, CUSTOMER, intent, open_ticket

ADMIN = Actor(uuid4(), Role.ADMIN)


@pytest.fixture
def pair(settings: Settings) -> Iterator[tuple[HelpDesk, HelpDesk]]:
    migrate(settings)
    first, second = open_helpdesk(settings), open_helpdesk(settings)
    try:
        yield first, second
    finally:
        second.close()
        first.close()


def bodies(ticket: Ticket) -> list[str]:
    return [m.body for m in ticket.messages]


def test_loads_come_from_the_cache_without_fast_forwarding(pair: tuple[HelpDesk, HelpDesk]):
    first, _ = pair
    assert first.follower is not None
    assert not first.repository.fastforward


def test_a_stale_cache_in_a_second_instance_saves_on_top_of_the_other_writes(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    assert second.ticket(ticket_id, CUSTOMER).version == 1  # cached at version 1
    first.reply(ticket_id, "from the first", intent(AGENT, clock))

    outcome = second.reply(ticket_id, "from the second", intent(CUSTOMER, clock))

    assert outcome.version == 3
    events = list(second.events.get(ticket_id))
    assert [e.originator_version for e in events] == [1, 2, 3]
    assert bodies(second.ticket(ticket_id, CUSTOMER))[-2:] == ["from the first", "from the second"]
    first.catch_up()
    assert first.ticket(ticket_id, CUSTOMER).version == 3


def test_a_catch_up_lets_reads_see_what_another_instance_wrote(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    second.ticket(ticket_id, CUSTOMER)
    first.reply(ticket_id, "news", intent(AGENT, clock))

    second.catch_up()

    ticket = second.ticket(ticket_id, CUSTOMER)
    assert ticket.version == 2
    assert bodies(ticket)[-1] == "news"


def test_if_match_naming_a_version_the_stale_cache_has_not_seen_succeeds(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    second.ticket(ticket_id, CUSTOMER)
    first.reply(ticket_id, "news", intent(AGENT, clock))

    outcome = second.reply(ticket_id, "seen it", intent(CUSTOMER, clock, expected_version=2))

    assert outcome.version == 3


def test_a_version_logged_elsewhere_is_read_though_the_cache_is_behind(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    second.ticket(ticket_id, CUSTOMER)
    first.reply(ticket_id, "news", intent(AGENT, clock))

    assert second.ticket(ticket_id, CUSTOMER, version=2).version == 2


def test_many_writers_in_two_instances_lose_nothing(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    for i in range(10):
        desk = (first, second)[i % 2]
        desk.reply(ticket_id, f"reply {i}", intent(AGENT, clock))

    events = list(first.events.get(ticket_id))
    assert [e.originator_version for e in events] == list(range(1, 12))
    assert {e.body for e in events[1:]} == {f"reply {i}" for i in range(10)}


def test_an_erasure_through_one_instance_drops_the_others_key_at_its_catch_up(
    pair: tuple[HelpDesk, HelpDesk], clock: FakeClock
):
    """Well within the key cache's TTL: the log, not the clock, ends the other's reading."""
    first, second = pair
    ticket_id = open_ticket(first, clock).aggregate_id  # type: ignore[attr-defined]
    assert [e.body for e in second.events.get(ticket_id)] == ["It is on fire."]  # key cached
    keys = first.keys  # type: ignore[attr-defined]
    keys.destroy(keys.owner_of(ticket_id))
    first.erase_ticket(ticket_id, intent(ADMIN, clock))

    second.catch_up()

    assert next(iter(second.events.get(ticket_id))).body == "[erased]"
    assert second.ticket(ticket_id, AGENT).subject == "[erased]"
