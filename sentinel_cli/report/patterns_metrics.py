"""``promptsentinel_repeated_attacks{category}`` for the Pushgateway or a metrics file, in a
registry of its own (declared in ``telemetry.catalog`` with the scan's metrics)."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Gauge

from sentinel_cli.telemetry.catalog import SPECS, THREAT_CATEGORIES, P

NAME = P + "repeated_attacks"


def patterns_registry(counts: Mapping[str, int]) -> CollectorRegistry:
    """Every threat category starts at 0, so a category that stops repeating reads 0, not stale."""
    spec = SPECS[NAME]
    registry = CollectorRegistry(auto_describe=True)
    gauge = Gauge(spec.name, spec.help, spec.labels, registry=registry)
    for category in THREAT_CATEGORIES:
        gauge.labels(category=category).set(counts.get(category, 0))
    return registry
