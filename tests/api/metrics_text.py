"""Reading `/metrics` as a scraper does: with the Prometheus parser, not by string
matching, so a value means the same whether it is written 3 or 3.0."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample of one name (a histogram's `_count`, say), with its labels."""
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def value(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample with exactly these labels; None when there is none."""
    found = [v for have, v in samples(text, name) if have == labels]
    return found[0] if found else None


def total(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of one name whose labels include these."""
    return sum(v for have, v in samples(text, name) if labels.items() <= have.items())
