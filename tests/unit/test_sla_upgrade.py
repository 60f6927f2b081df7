"""Tickets recorded before the next-response target: their SLAStarted events (version 1,
terms without `next_response_minutes`) and snapshots (no `resolved_by`) read as the
current shapes, and the hash chain over them still holds."""

from __future__ import annotations

import json
from dataclasses import fields, replace

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from domain import chain
from domain.ticket import Ticket
from tests.builders import AGENT, CUSTOMER, TERMS, origin, replay, ticket_fields
from tests.unit.sla_builders import MONDAY, minutes_after
from wiring.encoding import MsgspecMapper

MAPPER = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]


def _as_stored(stored: StoredEvent, state: dict[str, object]) -> StoredEvent:
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )


def test_a_version_one_sla_started_reads_with_no_next_response_and_its_old_digest() -> None:
    terms = replace(TERMS, next_response_minutes=None)
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY), sla=terms))
    _, started = ticket.collect_events()
    stored = MAPPER.to_stored_event(started)
    state = json.loads(stored.state)
    assert state["class_version"] == 2
    del state["class_version"], state["terms"]["next_response_minutes"]
    # As digested before the field existed: the terms' other fields only.
    old_terms = {f.name: getattr(terms, f.name) for f in fields(terms)}
    del old_terms["next_response_minutes"]
    old_digest = chain.digest("SLAStarted", {**vars(started), "terms": old_terms})

    read = MAPPER.to_domain_event(_as_stored(stored, state))

    assert read.terms.next_response_minutes is None
    assert read.terms == terms
    assert read.digest() == started.digest() == old_digest


def test_a_set_next_response_is_part_of_the_digest() -> None:
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY), sla=TERMS))
    _, started = ticket.collect_events()
    other = replace(TERMS, next_response_minutes=61)
    changed = {**vars(started), "terms": other}
    assert chain.digest("SLAStarted", changed) != started.digest()


def test_a_snapshot_from_before_resolved_by_reads_as_none() -> None:
    ticket = Ticket.open(**ticket_fields(origin=origin(CUSTOMER, MONDAY), sla=TERMS))
    ticket.resolve("Rebooted it.", origin(AGENT, minutes_after(MONDAY, 5)))
    assert ticket.resolved_by is not None
    snapshot = MAPPER.to_stored_event(Snapshot.take(replay(list(ticket.collect_events()))))
    state = json.loads(snapshot.state)
    del state["state"]["resolved_by"], state["state"]["class_version"]

    restored = MAPPER.to_domain_event(_as_stored(snapshot, state)).mutate(None)

    assert isinstance(restored, Ticket)
    assert restored.resolved_by is None
    assert restored.sla == ticket.sla
