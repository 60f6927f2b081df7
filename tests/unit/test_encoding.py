"""Stored events as JSON: every event, a snapshot and an old event shape come back intact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, DomainEvent, Snapshot
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent
from eventsourcing.utils import clear_topic_cache, get_topic

from domain.assignment import Rotation
from domain.attachment_events import AttachmentPlace
from domain.indexes import Credential, EmailAddress, IdempotencyRecord, TicketNumber
from domain.organisation import (
    AssignMode,
    DefaultDepartment,
    Department,
    HelpTopic,
    PlanTerms,
    SLAPlan,
    WorkCalendar,
)
from domain.people import Person
from domain.ticket import Ticket
from domain.values import Effect, Message, MessageKind, Priority, Review, Role, Status
from tests.builders import (
    ADMIN,
    AGENT,
    CUSTOMER,
    PLAN,
    ROUND_THE_CLOCK,
    SALES,
    SUPERVISOR,
    TICKET_ID,
    full_story,
    origin,
    replay,
)
from wiring.encoding import MsgspecMapper

AGGREGATES = (
    Ticket,
    Person,
    TicketNumber,
    EmailAddress,
    Credential,
    IdempotencyRecord,
    WorkCalendar,
    SLAPlan,
    Department,
    DefaultDepartment,
    HelpTopic,
    Rotation,
    AttachmentPlace,
)


def _organisation() -> list[Any]:
    by = origin(SUPERVISOR)
    terms = PlanTerms(60, 480, None, 80, (Status.AWAITING_CUSTOMER,), uuid4())
    plan = SLAPlan.define(PLAN, "Standard", terms, by)
    plan.revise("Standard", replace(terms, resolution_minutes=240), by)
    department = Department.define(SALES, "Sales", PLAN, AssignMode.ROUND_ROBIN, 7, 14, by)
    return [
        *WorkCalendar.define(uuid4(), "Round the clock", ROUND_THE_CLOCK, by).collect_events(),
        *plan.collect_events(),
        *department.collect_events(),
        *DefaultDepartment.claim(SALES, by).collect_events(),
        *HelpTopic.define(uuid4(), "Fires", SALES, Priority.HIGH, None, by).collect_events(),
        *_rotation(by),
    ]


def _rotation(by: Any) -> list[Any]:
    rotation = Rotation.start(SALES, by)
    rotation.turn(AGENT.id, TICKET_ID, by)
    return list(rotation.collect_events())


def _people_and_indexes() -> list[Any]:
    by = origin(SUPERVISOR)
    agent = Person.register(AGENT.id, "Ada Agent", "ada@example.com", Role.AGENT, [uuid4()], by)
    token_id = uuid4()
    agent.issue_token(token_id, by)
    agent.set_away(True, by)
    agent.revoke_token(token_id, by)
    customer = Person.register(CUSTOMER.id, "Cy", "cy@example.com", Role.CUSTOMER, [], by)
    customer.erase(origin(ADMIN))
    return [
        *agent.collect_events(),
        *customer.collect_events(),
        *TicketNumber.claim("10000001", TICKET_ID, by).collect_events(),
        *AttachmentPlace.place(uuid4(), TICKET_ID, by).collect_events(),
        *_released_and_reclaimed(by),
        *Credential.issue("ab" * 32, AGENT.id, uuid4(), Role.AGENT, by).collect_events(),
        *IdempotencyRecord.remember(
            uuid4(), "f" * 64, Effect.CREATED, TICKET_ID, 1, origin(CUSTOMER)
        ).collect_events(),
    ]


def _released_and_reclaimed(by: Any) -> list[Any]:
    claim = EmailAddress.claim("ada@example.com", AGENT.id, by)
    claim.release(by)
    claim.reclaim(uuid4(), by)
    return list(claim.collect_events())


SAMPLES: list[Any] = [*full_story(), *_people_and_indexes(), *_organisation()]


def _declared_events(aggregate: type[Aggregate]) -> set[type]:
    nested = [
        cls
        for name, cls in vars(aggregate).items()
        if isinstance(cls, type) and issubclass(cls, DomainEvent) and name != "Event"
    ]
    creators = [cls for cls in nested if issubclass(cls, Aggregate.Created)]
    # The library adds a plain `Created` beside an aggregate's own creation event.
    return {cls for cls in nested if not (cls.__name__ == "Created" and len(creators) > 1)}


@pytest.fixture
def mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=None)  # type: ignore[arg-type]


def test_the_samples_hold_every_event_class() -> None:
    declared = set().union(*(_declared_events(a) for a in AGGREGATES))
    assert {type(e) for e in SAMPLES} == declared


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__qualname__)
def test_every_event_comes_back_equal_and_typed(mapper: MsgspecMapper, event: Any) -> None:
    decoded = mapper.to_domain_event(mapper.to_stored_event(event))
    assert type(decoded) is type(event)
    assert decoded == event
    for name, value in vars(event).items():
        assert type(getattr(decoded, name)) is type(value), name
    assert isinstance(decoded.originator_id, UUID)
    assert isinstance(decoded.actor_id, UUID)
    assert isinstance(decoded.actor_role, Role)
    assert isinstance(decoded.timestamp, datetime)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__qualname__)
def test_the_stored_state_is_readable_json(mapper: MsgspecMapper, event: Any) -> None:
    state = json.loads(mapper.to_stored_event(event).state)
    assert state["actor_id"] == str(event.actor_id)
    assert state["actor_role"] == event.actor_role.value


def test_a_ticket_event_keeps_its_digest_through_storage(mapper: MsgspecMapper) -> None:
    for event in full_story():
        assert mapper.to_domain_event(mapper.to_stored_event(event)).digest() == event.digest()


def test_a_snapshot_gives_back_an_equal_ticket(mapper: MsgspecMapper) -> None:
    ticket = replay(full_story())
    stored = mapper.to_stored_event(Snapshot.take(ticket))
    assert json.loads(stored.state)["state"]["status"] == "open"
    restored = mapper.to_domain_event(stored).mutate(None)
    assert isinstance(restored, Ticket)
    assert restored == ticket
    assert isinstance(restored.id, UUID)
    assert restored.version == ticket.version
    assert restored.status is Status.OPEN
    assert isinstance(restored.customer_id, UUID)
    assert isinstance(restored.review, Review)
    assert isinstance(restored.review.at, datetime)
    assert isinstance(restored.created_on, datetime)
    assert {m.kind for m in restored.messages} == {MessageKind.REPLY, MessageKind.NOTE}
    for message in restored.messages:
        assert type(message) is Message
        assert type(message.kind) is MessageKind
        assert type(message.author_role) is Role
        assert isinstance(message.id, UUID)
        assert isinstance(message.at, datetime)


@pytest.mark.parametrize("state", [b"{not json", b"", b'{"actor_role": "pilot"}'])
def test_a_stored_event_that_cannot_be_decoded_is_refused(
    mapper: MsgspecMapper, state: bytes
) -> None:
    stored = StoredEvent(uuid4(), 2, get_topic(Ticket.Assigned), state)
    with pytest.raises(MapperDeserialisationError):
        mapper.to_domain_event(stored)


class Parcel(Aggregate):
    """A toy aggregate whose one event gains a field in its second version."""

    class Labelled(Aggregate.Event):
        label: str

    def label(self, text: str) -> None:
        self.trigger_event(self.Labelled, label=text)


@pytest.fixture
def fresh_topics() -> Iterator[None]:
    """Topics resolve through a cache; the class behind one changes in this test."""
    clear_topic_cache()
    yield
    clear_topic_cache()


@pytest.mark.usefixtures("fresh_topics")
def test_an_old_event_is_upcast_to_the_current_shape(
    mapper: MsgspecMapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An event is stored while `Labelled` has its first shape.
    parcel = Parcel()
    parcel.label("fragile")
    stored = mapper.to_stored_event(parcel.collect_events()[-1])
    assert "class_version" not in json.loads(stored.state)

    # The class gains a field, and says how to fill it in on old records.
    class Labelled(Parcel.Event):
        label: str
        colour: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["colour"] = "brown"

    monkeypatch.setattr(Parcel, "Labelled", Labelled)
    clear_topic_cache()

    # The old record decodes to the new shape.
    event = mapper.to_domain_event(stored)
    assert type(event) is Labelled
    assert event.label == "fragile"
    assert event.colour == "brown"
    assert event.originator_id == parcel.id

    # A new record carries its version and is not upcast again.
    parcel.trigger_event(Labelled, label="heavy", colour="red")
    [fresh] = parcel.collect_events()
    again = mapper.to_domain_event(mapper.to_stored_event(fresh))
    assert json.loads(mapper.to_stored_event(fresh).state)["class_version"] == 2
    assert again == fresh


@pytest.mark.parametrize(("status_code", "effect"), [(201, Effect.CREATED), (200, Effect.CHANGED)])
def test_an_idempotency_record_stored_with_an_http_status_reads_as_an_effect(
    mapper: MsgspecMapper, status_code: int, effect: Effect
) -> None:
    # Before version 2 the record kept the HTTP status of the first answer.
    [new] = IdempotencyRecord.remember(
        uuid4(), "f" * 64, effect, TICKET_ID, 3, origin(CUSTOMER)
    ).collect_events()
    stored = mapper.to_stored_event(new)
    state = json.loads(stored.state)
    del state["class_version"], state["effect"]
    state["status_code"] = status_code
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )

    record = mapper.to_domain_event(old).mutate(None)

    assert record.effect is effect
    assert (record.resource_id, record.resource_version) == (TICKET_ID, 3)
