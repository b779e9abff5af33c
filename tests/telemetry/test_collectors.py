"""FastHistogram exposes exactly what prometheus_client's Histogram would."""

from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, Histogram, generate_latest

from sentinel_cli.telemetry.collectors import FastHistogram, OptionalGauges

BUCKETS = (0.001, 0.01, 0.1, 1.0, 10.0)
VALUES = [0.0, 0.001, 0.0011, 0.05, 0.1, 0.5, 1.0, 3.0, 10.0, 11.0, 1e9]


def test_same_exposition_as_the_standard_histogram() -> None:
    standard, fast = CollectorRegistry(), CollectorRegistry()
    reference = Histogram("h_seconds", "help", ["stage"], registry=standard, buckets=BUCKETS)
    ours = FastHistogram("h_seconds", "help", ["stage"], BUCKETS)
    fast.register(ours)
    for i, value in enumerate(VALUES):
        stage = "a" if i % 2 else "b"
        reference.labels(stage).observe(value)
        ours.labels(stage=stage).observe(value)
    assert _lines(generate_latest(fast)) == _lines(generate_latest(standard))


def _lines(text: bytes) -> list[str]:
    return sorted(line for line in text.decode().splitlines() if "_created" not in line)


def test_concurrent_observations_are_all_counted() -> None:
    histogram = FastHistogram("h", "help", [], BUCKETS)
    series = histogram.labels()

    def work() -> None:
        for _ in range(5_000):
            series.observe(0.5)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (family,) = histogram.collect()
    count = next(s.value for s in family.samples if s.name == "h_count")
    assert count == 20_000


def test_optional_gauges_appear_once_set() -> None:
    gauges = OptionalGauges({"a_seconds": "help a", "b_seconds": "help b"})
    assert list(gauges.collect()) == [] and [m.name for m in gauges.describe()] == ["a_seconds", "b_seconds"]
    gauges.set("b_seconds", 5.0)
    assert [(m.name, m.samples[0].value) for m in gauges.collect()] == [("b_seconds", 5.0)]
