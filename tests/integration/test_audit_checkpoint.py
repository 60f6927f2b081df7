"""Signed checkpoints on each real store: every stream's head (tickets, the organisation,
people, tokens, indexes) signed with Ed25519 and kept outside the database; verifying
against one catches any change to an event recorded before it, a stream's newest event
included, and refuses a checkpoint this key did not sign."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.indexes import Credential
from domain.tokens import hash_token
from domain.values import Actor, Role
from readside import checkpoint
from ticketing.cli import main
from wiring.config import Settings

from ..api.store_surgery import Store
from ..conftest import FakeClock
from .worker_helpers import SUPERVISOR, Desk, opened, said

KEY = Ed25519PrivateKey.generate()


@dataclass(frozen=True)
class World:
    """What the store holds: a department, an agent with a token, and a ticket."""

    desk: Desk
    department: UUID
    agent: UUID
    credential: UUID
    ticket: UUID

    def take(self) -> dict[str, Any]:
        return checkpoint.take(self.desk.helpdesk.recorder, KEY, datetime.now(UTC))

    def verify(self, signed: dict[str, Any]) -> checkpoint.CheckpointReport:
        return checkpoint.verify(self.desk.helpdesk.recorder, signed, KEY.public_key())


@pytest.fixture
def world(settings: Settings, clock: FakeClock) -> Iterator[World]:
    with opened(settings, clock) as services:
        desk = Desk(services, clock)
        department = desk.department("IT Support")
        agent = desk.person(Role.AGENT, department)
        issued = desk.helpdesk.issue_token(agent, None, said(Actor(agent, Role.AGENT), clock))
        assert issued.token is not None
        credential = Credential.id_for(hash_token(issued.token))
        ticket = desk.open_ticket(desk.customer(), department)
        desk.helpdesk.reply(ticket, "Which browser?", said(SUPERVISOR, clock))
        yield World(desk, department, agent, credential, ticket)


def store(settings: Settings, stream: UUID) -> Store:
    return Store(settings, str(stream))


def test_an_untouched_store_verifies_against_its_checkpoint(world: World) -> None:
    signed = world.take()
    assert {str(world.department), str(world.agent), str(world.credential), str(world.ticket)} <= (
        signed["streams"].keys()
    )
    report = world.verify(signed)
    assert (report.ok, report.problems) == (True, ())
    assert report.position == signed["position"] == world.desk.services.log.head()


def test_events_recorded_after_the_checkpoint_do_not_count(world: World) -> None:
    signed = world.take()
    world.desk.helpdesk.reply(world.ticket, "Firefox?", said(SUPERVISOR, world.desk.clock))
    world.desk.department("Billing")
    assert world.verify(signed).ok


def test_an_edited_newest_ticket_event_is_caught(world: World, settings: Settings) -> None:
    signed = world.take()
    surgery = store(settings, world.ticket)
    newest = surgery.versions()[-1]
    surgery.edit_sealed(newest, "body")
    report = world.verify(signed)
    assert not report.ok
    assert report.problems == (f"stream {world.ticket}: an event up to version {newest} changed",)


def test_a_deleted_newest_ticket_event_is_caught(world: World, settings: Settings) -> None:
    signed = world.take()
    surgery = store(settings, world.ticket)
    newest = surgery.versions()[-1]
    surgery.delete(newest)
    (problem,) = world.verify(signed).problems
    assert (
        problem == f"stream {world.ticket}: version {newest - 1} where the checkpoint has {newest}"
    )


def test_an_edited_organisation_event_is_caught(world: World, settings: Settings) -> None:
    signed = world.take()
    store(settings, world.department).replace_text(1, "IT Support", "IT Suppert")
    assert world.verify(signed).problems == (
        f"stream {world.department}: an event up to version 1 changed",
    )


def test_an_escalated_token_is_caught(world: World, settings: Settings) -> None:
    signed = world.take()
    store(settings, world.credential).replace_text(1, '"role":"agent"', '"role":"admin"')
    assert world.verify(signed).problems == (
        f"stream {world.credential}: an event up to version 1 changed",
    )


def test_an_edited_checkpoint_is_refused(world: World) -> None:
    signed = world.take()
    forged = {**signed, "position": signed["position"] - 1}
    with pytest.raises(checkpoint.CheckpointError, match="not one this key signed"):
        world.verify(forged)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.verify(world.desk.helpdesk.recorder, signed, other.public_key())


def test_the_command_line_checkpoints_and_verifies(
    world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "audit.pem"
    key_file.write_bytes(
        KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("TICKETING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TICKETING_AUDIT_KEY_FILE", str(key_file))
    saved = tmp_path / "checkpoint.json"
    assert main(["audit", "checkpoint", "-o", str(saved)]) == 0
    assert json.loads(saved.read_text())["position"] == world.desk.services.log.head()
    assert main(["audit", "verify", "--checkpoint", str(saved)]) == 0

    store(settings, world.department).replace_text(1, "IT Support", "IT Suppert")
    assert main(["audit", "verify", "--checkpoint", str(saved)]) == 1

    public = tmp_path / "audit.pub"
    public.write_bytes(
        KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    monkeypatch.setenv("TICKETING_AUDIT_KEY_FILE", str(public))
    assert main(["audit", "verify", "--checkpoint", str(saved)]) == 1  # a public key verifies
    assert main(["audit", "checkpoint", "-o", str(tmp_path / "no.json")]) == 2  # but cannot sign
    assert not (tmp_path / "no.json").exists()
    monkeypatch.delenv("TICKETING_AUDIT_KEY_FILE")
    monkeypatch.chdir(tmp_path)  # the default key, ./var/audit.key, is made on first use
    assert main(["audit", "checkpoint", "-o", "first.json"]) == 0
    assert (tmp_path / "var" / "audit.key").stat().st_mode & 0o077 == 0
    assert main(["audit", "verify", "--checkpoint", "first.json"]) == 0
