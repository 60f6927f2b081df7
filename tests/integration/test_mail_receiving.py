"""Receiving on each real store: a real SMTP conversation with the listener (smtplib),
and the pipe command run as the MTA runs it, fed the fixture files. Yes only once the
bytes are stored; try-again while the store cannot take them; too big is refused."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from wiring.config import Settings
from wiring.migrate import migrate
from wiring.runtime import Runtime
from wiring.services import build_services
from workers import mail_store

from ..conftest import FakeClock
from .mail_helpers import FIXTURES, fixture
from .worker_helpers import drain, free_port, opened


@pytest.fixture
def listening(settings: Settings, clock: FakeClock) -> Iterator[tuple[Runtime, int]]:
    port = free_port()
    chosen = replace(settings, mail_in_listen=f"127.0.0.1:{port}", mail_max_bytes=100_000)
    with opened(chosen, clock) as services:
        runtime = Runtime(services)
        controller = runtime.mail_listener()
        controller.start()
        try:
            yield runtime, port
        finally:
            controller.stop()


def test_the_listener_says_yes_once_the_message_is_stored(listening: tuple[Runtime, int]):
    runtime, port = listening
    raw = fixture("new_request.eml")

    with smtplib.SMTP("127.0.0.1", port) as smtp:
        refused = smtp.sendmail("ada@customer.example", ["support@desk.example"], raw)

    assert refused == {}
    # what was said yes to is in the store, byte for byte, before anything parsed it
    sha = mail_store.digest(raw)
    assert mail_store.raw_of(runtime.services.views, sha) == raw
    drain(runtime.mail_in().step)
    assert mail_store.states(runtime.services.views) == {sha: "done"}


def test_the_listener_refuses_a_message_over_the_limit_with_552(listening: tuple[Runtime, int]):
    runtime, port = listening
    big = fixture("new_request.eml") + (b"x" * 70 + b"\r\n") * 3000

    with smtplib.SMTP("127.0.0.1", port) as smtp:
        # a client that honours the SIZE the listener announces is refused at MAIL FROM
        with pytest.raises(smtplib.SMTPSenderRefused) as announced:
            smtp.sendmail("ada@customer.example", ["support@desk.example"], big)
        smtp.rset()
        smtp.ehlo()
        smtp.esmtp_features.pop("size", None)  # a client that does not honour SIZE
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("ada@customer.example", ["support@desk.example"], big)

    assert (announced.value.smtp_code, refused.value.smtp_code) == (552, 552)
    assert mail_store.states(runtime.services.views) == {}


def test_the_listener_says_try_again_later_while_the_store_cannot_take_it(
    settings: Settings, clock: FakeClock, tmp_path: Path
):
    port = free_port()
    # a store whose tables do not exist: every write fails as an unreachable one does
    unready = Settings(
        database_url=f"sqlite:///{tmp_path}/never-migrated.sqlite3",
        mail_in_listen=f"127.0.0.1:{port}",
    )
    services = build_services(unready, clock=clock)
    controller = Runtime(services).mail_listener()
    controller.start()
    try:
        with (
            smtplib.SMTP("127.0.0.1", port) as smtp,
            pytest.raises(smtplib.SMTPDataError) as refused,
        ):
            smtp.sendmail("ada@customer.example", ["support@desk.example"], b"Subject: x\r\n\r\nx")
        assert refused.value.smtp_code == 451
    finally:
        controller.stop()
        services.close()


def ingest(
    settings: Settings, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = os.environ | {
        "TICKETING_DATABASE_URL": settings.database_url,
        "TICKETING_MAIL_MAX_BYTES": "100000",
    }
    return subprocess.run(
        [sys.executable, "-m", "ticketing.cli", "mail", "ingest", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_pipe_command_stores_files_and_standard_input(settings: Settings):
    migrate(settings)
    names = sorted(p.name for p in FIXTURES.glob("*.eml"))

    results = [ingest(settings, str(FIXTURES / name)) for name in names]
    piped = ingest(settings, stdin=fixture("new_request.eml").replace(b"req-1", b"req-9"))

    assert [r.returncode for r in [*results, piped]] == [0] * (len(names) + 1)
    with opened(settings, FakeClock()) as services:
        stored = mail_store.states(services.views)
        assert len(stored) == len(names) + 1
        drain(Runtime(services).mail_in().step)
        settled = mail_store.states(services.views)
    assert "stored" not in settled.values()


def test_the_pipe_command_refuses_an_oversized_message_and_stores_nothing(settings: Settings):
    migrate(settings)

    result = ingest(settings, stdin=b"Subject: big\r\n\r\n" + b"x" * 200_000)

    assert result.returncode == 65
    assert b"552" in result.stderr


def test_the_pipe_command_exits_75_while_the_store_is_unreachable():
    unreachable = Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")

    result = ingest(unreachable, stdin=fixture("new_request.eml"))

    assert result.returncode == 75, result.stderr
