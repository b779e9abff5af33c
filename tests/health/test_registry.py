from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli.errors import UsageError
from sentinel_cli.health import registry
from sentinel_cli.health.interface import Context
from sentinel_cli.health.registry import Probe
from tests.health.helpers import context

NAMES = [
    "config",
    "detectors",
    "cache",
    "data",
    "memory",
    "llm.anthropic",
    "llm.openai",
    "pushgateway",
    "otlp",
    "budget",
]


def test_names_are_stable_and_unique() -> None:
    # Scripts and --check depend on these names: changing one is a breaking change.
    assert registry.names() == NAMES


def test_every_check_has_a_title() -> None:
    assert all(check.title for check in registry.all_checks())


def test_select_by_name_or_family_in_report_order() -> None:
    assert [c.name for c in registry.select(["pushgateway", "config"])] == ["config", "pushgateway"]
    assert [c.name for c in registry.select(["llm"])] == ["llm.anthropic", "llm.openai"]
    assert [c.name for c in registry.select(["llm.openai", "llm.openai"])] == ["llm.openai"]


def test_unknown_names_are_usage_errors_listing_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown check\(s\) nope, llm\.bard \(known: budget, cache"):
        registry.select(["nope", "config", "llm.bard"])


def test_live_probe_is_the_configuration_alone(tmp_path: Path) -> None:
    assert [c.name for c in registry.for_probe(Probe.LIVE, context(tmp_path))] == ["config"]


def test_ready_probe_follows_what_the_job_uses(tmp_path: Path) -> None:
    plain = context(tmp_path)
    assert [c.name for c in registry.for_probe(Probe.READY, plain)] == ["config", "detectors", "memory"]
    everything = context(
        tmp_path,
        llm="uncertain",
        llm_providers=["openai"],
        pushgateway_url="http://127.0.0.1:9091",
        trace="otlp",
        budget_daily_usd=5.0,
    )
    assert [c.name for c in registry.for_probe(Probe.READY, everything)] == [
        "config",
        "detectors",
        "cache",
        "data",
        "memory",
        "llm.openai",
        "pushgateway",
        "otlp",
        "budget",
    ]
    no_cache = context(tmp_path, llm="always", llm_cache=False)
    assert "cache" not in [c.name for c in registry.for_probe(Probe.READY, no_cache)]


def test_ready_probe_with_an_invalid_configuration_reports_the_configuration() -> None:
    broken = Context(settings=None, config_error="invalid", config_file=None, timeout=1.0)
    assert [c.name for c in registry.for_probe(Probe.READY, broken)] == ["config"]
