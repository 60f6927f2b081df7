"""Several API processes keep their own rate-limit buckets, each with its share of the
limit, so the limit holds overall (`serve --workers N` tells each process N)."""

from __future__ import annotations

from wiring.config import Settings


def test_one_process_allows_the_whole_limit():
    settings = Settings.from_environment(
        {"TICKETING_RATE_LIMIT": "50", "TICKETING_RATE_BURST": "200"}
    )
    assert settings.rate_limit_per_process() == (50.0, 200)


def test_each_of_several_processes_allows_its_share():
    settings = Settings.from_environment(
        {
            "TICKETING_RATE_LIMIT": "50",
            "TICKETING_RATE_BURST": "200",
            "TICKETING_API_PROCESSES": "4",
        }
    )
    assert settings.rate_limit_per_process() == (12.5, 50)


def test_a_share_never_refuses_every_request():
    settings = Settings.from_environment(
        {"TICKETING_RATE_BURST": "1", "TICKETING_API_PROCESSES": "3"}
    )
    assert settings.rate_limit_per_process()[1] == 1


def test_unlimited_stays_unlimited():
    settings = Settings.from_environment(
        {"TICKETING_RATE_LIMIT": "0", "TICKETING_API_PROCESSES": "2"}
    )
    assert settings.rate_limit_per_process()[0] == 0
