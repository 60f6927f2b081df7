"""Rebuilding every projection in one pass over the log, on each real store: the rows are
those built live, each projection gets a new generation at the head, and what the log
gains while the rebuild runs is in the rows that are swapped in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ticketing.cli import main
from wiring.config import Settings
from wiring.services import Services
from wiring.views import PROJECTIONS
from workers.projections import Progress, ProjectionRunner, rebuild_all

from ..conftest import FakeClock
from .projection_helpers import busy_desk, catch_up, live, logged, opened, positions, replayed


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    with opened(settings, clock) as services:
        yield services


def followed_live(services: Services, clock: FakeClock, tickets: int) -> ProjectionRunner:
    """Busy tickets, every read model built live in small batches, and the runner, whose
    rebuild batches are small enough that a few hundred events cross many."""
    busy_desk(services, clock, tickets=tickets)
    desk = services.helpdesk
    runner = ProjectionRunner(
        desk.recorder, desk.mapper, services.views, PROJECTIONS, batch=11, rebuild_batch=13
    )
    runner.start()
    catch_up(runner)
    return runner


def test_one_pass_over_the_log_rebuilds_every_projection_to_the_rows_built_live(
    services: Services, clock: FakeClock
):
    # Given every read model built live, in small batches
    runner = followed_live(services, clock, tickets=25)
    built_live = {p.name: live(services, p) for p in PROJECTIONS}
    generations = {p.name: services.views.live(p.name) for p in PROJECTIONS}
    seen: list[Progress] = []

    # When all of them are rebuilt in one pass
    rebuild_all(runner, PROJECTIONS, seen.append)

    # Then each has a new generation, at the head, with the rows built live
    head = services.log.head()
    assert positions(services) == {p.name: head for p in PROJECTIONS}
    for projection in PROJECTIONS:
        old = generations[projection.name]
        assert old is not None
        assert services.views.live(projection.name) == (old[0] + 1, projection.version)
        assert live(services, projection) == built_live[projection.name], projection.name
    # read once for all of them: one report per batch of the log, not one per projection
    assert seen[-1].position == head
    assert len(seen) == -(-head // 13)


def test_what_the_log_gains_during_a_one_pass_rebuild_is_in_the_rows_swapped_in(
    services: Services, clock: FakeClock
):
    runner = followed_live(services, clock, tickets=10)
    before = services.log.head()

    # When tickets arrive while the rebuild is halfway through its first pass
    def grow(progress: Progress) -> None:
        if before // 2 <= progress.position < before // 2 + 13:
            busy_desk(services, clock, tickets=3)

    rebuild_all(runner, PROJECTIONS, grow)

    # Then the swapped-in rows hold them: they are the whole log replayed
    head = services.log.head()
    assert head > before
    assert positions(services) == {p.name: head for p in PROJECTIONS}
    events = logged(services)
    for projection in PROJECTIONS:
        assert live(services, projection) == replayed(projection, events), projection.name


def test_the_rebuild_all_command_rebuilds_every_projection_in_one_pass(
    services: Services,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    followed_live(services, clock, tickets=5)
    built_live = {p.name: live(services, p) for p in PROJECTIONS}
    generations = {p.name: services.views.live(p.name) for p in PROJECTIONS}
    monkeypatch.setenv("TICKETING_DATABASE_URL", settings.database_url)

    assert main(["projections", "rebuild", "all"]) == 0

    assert "all: rebuilt in" in capsys.readouterr().out
    for projection in PROJECTIONS:
        old = generations[projection.name]
        assert old is not None
        assert services.views.live(projection.name) == (old[0] + 1, projection.version)
        assert live(services, projection) == built_live[projection.name], projection.name
