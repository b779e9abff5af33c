"""Collectors for the hot path: a lean histogram and gauges that exist only once set.

prometheus_client's ``Histogram.observe`` and ``labels()`` cost several
microseconds each; the engine observes a few histograms per prompt and per
stage, which made metrics cost more than the scan itself. ``FastHistogram``
keeps per-bucket counts found by bisection under one lock and exposes the
standard histogram family (``_bucket``/``_sum``/``_count``) when collected.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString


def _go_float(value: float) -> str:
    """Bucket bounds written as prometheus_client writes them (``le="1.0"``)."""
    text: str = floatToGoString(value)  # type: ignore[no-untyped-call]
    return text


class HistogramSeries:
    """One label set of a ``FastHistogram``: counts per bucket (the last is +Inf) and the sum."""

    __slots__ = ("_bounds", "_lock", "counts", "total")

    def __init__(self, bounds: tuple[float, ...], lock: threading.Lock) -> None:
        self._bounds = bounds
        self._lock = lock
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0

    def observe(self, value: float) -> None:
        index = bisect_left(self._bounds, value)  # the first bucket whose upper bound is >= value
        with self._lock:
            self.counts[index] += 1
            self.total += value


class FastHistogram(Collector):
    """A histogram family with fixed label names and buckets."""

    def __init__(
        self, name: str, documentation: str, labelnames: Sequence[str], buckets: Sequence[float]
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self.bounds = tuple(sorted(float(b) for b in buckets))
        self._series: dict[tuple[str, ...], HistogramSeries] = {}
        self._lock = threading.Lock()

    def labels(self, *values: str, **named: str) -> HistogramSeries:
        key = tuple(values) if values else tuple(named[label] for label in self.labelnames)
        if len(key) != len(self.labelnames):
            raise ValueError(f"{self.name} takes labels {self.labelnames}")
        series = self._series.get(key)
        if series is None:
            with self._lock:
                series = self._series.setdefault(key, HistogramSeries(self.bounds, self._lock))
        return series

    def describe(self) -> Iterable[Metric]:
        return [HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)]

    def collect(self) -> Iterable[Metric]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        with self._lock:
            snapshot = [(key, list(s.counts), s.total) for key, s in self._series.items()]
        edges = [_go_float(bound) for bound in self.bounds] + ["+Inf"]
        for key, counts, total in snapshot:
            running, buckets = 0, []
            for edge, count in zip(edges, counts, strict=True):
                running += count
                buckets.append((edge, float(running)))
            family.add_metric(list(key), buckets, total)
        yield family


class OptionalGauges(Collector):
    """Gauges that exist only once set (the batch timestamps): a zero would read as
    "succeeded in 1970" and, pushed, overwrite the real value."""

    def __init__(self, documentation: dict[str, str]) -> None:
        self._documentation = documentation
        self._values: dict[str, float | None] = dict.fromkeys(documentation)

    def set(self, name: str, value: float) -> None:
        self._values[name] = value

    def get(self, name: str) -> float | None:
        return self._values[name]

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(name, self._documentation[name]) for name in self._values]

    def collect(self) -> Iterable[Metric]:
        for name, value in self._values.items():
            if value is not None:
                yield GaugeMetricFamily(name, self._documentation[name], value=value)
