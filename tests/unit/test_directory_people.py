"""The directory projection's people and memberships, given people events, then rows:
in memory, without a store."""

from __future__ import annotations

import json

from domain.personal import ERASED
from domain.timefmt import rfc3339
from domain.values import Role
from projections.base import MemoryRows
from projections.directory.handlers import (
    MEMBERSHIPS,
    PEOPLE,
)
from tests.builders import later, origin

from .directory_builders import (
    ADMIN,
    BILLING,
    SUPPORT,
    ann_actor,
    fed,
    registered,
    table,
    the_id,
)


def test_a_registered_person_is_a_row_and_a_membership_per_department():
    rows = MemoryRows()
    fed(rows, registered("Ann", Role.AGENT, (SUPPORT, BILLING), minute=3), at=7)

    ann = str(the_id("Ann"))
    assert table(rows, PEOPLE.name) == {
        (ann,): {
            "person_id": ann,
            "position": 7,
            "role": "agent",
            "name": "Ann",
            "email": "ann@example.com",
            "department_ids": json.dumps([str(SUPPORT), str(BILLING)], separators=(",", ":")),
            "away": 0,
            "created_at": rfc3339(later(3)),
        }
    }
    assert table(rows, MEMBERSHIPS.name) == {
        (str(d), ann): {
            "department_id": str(d),
            "person_id": ann,
            "role": "agent",
            "away": 0,
            "position": 7,
        }
        for d in (SUPPORT, BILLING)
    }


def test_a_customer_belongs_to_no_department():
    rows = MemoryRows()
    fed(rows, registered("Cid", Role.CUSTOMER), at=1)

    assert table(rows, PEOPLE.name)[(str(the_id("Cid")),)]["role"] == "customer"
    assert table(rows, MEMBERSHIPS.name) == {}


def test_going_away_and_coming_back_changes_the_person_and_every_membership():
    rows = MemoryRows()
    ann = registered("Ann", Role.AGENT, (SUPPORT, BILLING))
    bob = registered("Bob", Role.AGENT, (SUPPORT,))
    fed(rows, ann, bob, at=1)

    ann.set_away(True, origin(ann_actor(), later(5)))
    fed(rows, ann, at=10)
    aways = {k: r["away"] for k, r in table(rows, MEMBERSHIPS.name).items()}
    assert table(rows, PEOPLE.name)[(str(ann.id),)]["away"] == 1
    assert aways == {
        (str(SUPPORT), str(ann.id)): 1,
        (str(BILLING), str(ann.id)): 1,
        (str(SUPPORT), str(bob.id)): 0,
    }
    assert {r["position"] for r in table(rows, MEMBERSHIPS.name).values()} == {1, 2}

    ann.set_away(False, origin(ann_actor(), later(9)))
    fed(rows, ann, at=11)
    assert table(rows, PEOPLE.name)[(str(ann.id),)]["away"] == 0
    assert {r["away"] for r in table(rows, MEMBERSHIPS.name).values()} == {0}


def test_an_availability_change_in_the_same_batch_as_the_registration_applies():
    rows = MemoryRows()
    ann = registered("Ann", Role.AGENT, (SUPPORT,))
    ann.set_away(True, origin(ann_actor(), later(1)))
    fed(rows, ann, at=1)

    assert table(rows, PEOPLE.name)[(str(ann.id),)]["away"] == 1
    assert table(rows, MEMBERSHIPS.name)[(str(SUPPORT), str(ann.id))]["away"] == 1


def test_an_erased_customer_reads_erased_and_nothing_else_of_theirs_changes():
    rows = MemoryRows()
    cid = registered("Cid", Role.CUSTOMER)
    fed(rows, cid, registered("Ann", Role.AGENT, (SUPPORT,)), at=1)
    before = {k: dict(r) for k, r in table(rows, PEOPLE.name).items()}

    cid.erase(origin(ADMIN, later(5)))
    fed(rows, cid, at=10)

    erased = {**before[(str(cid.id),)], "name": ERASED, "email": ERASED}
    assert table(rows, PEOPLE.name) == {**before, (str(cid.id),): erased}
