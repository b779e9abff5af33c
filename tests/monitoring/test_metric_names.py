"""Every metric name the rules and dashboards query is one sentinel's code registers (taken
from the real registries, not a list kept by hand), a recording rule, or a series Prometheus
and the Pushgateway expose themselves."""

from __future__ import annotations

import json

from prometheus_client import CollectorRegistry

from sentinel_cli.monitoring.check import check_names, queried_names, recorded_names
from sentinel_cli.monitoring.generate import generate
from sentinel_cli.monitoring.options import STACKS, MonitoringOptions
from sentinel_cli.monitoring.promql import EXTERNAL_SERIES
from sentinel_cli.telemetry.metrics import RunMetrics


def _series(registry: CollectorRegistry) -> set[str]:
    """Sample names a family can expose, from what the registry describes."""
    names = set()
    for family in registry.collect():
        if family.type == "counter":
            names.add(family.name + "_total")
        elif family.type == "histogram":
            names |= {family.name + suffix for suffix in ("_bucket", "_sum", "_count")}
        else:
            names.add(family.name)
    return names


def registered_series() -> set[str]:
    metrics = RunMetrics()
    metrics.mark_outcome(True, 1.0)  # the timestamps are exposed once set
    metrics.mark_outcome(False, 2.0)
    from sentinel_cli.report.patterns_metrics import patterns_registry

    return _series(metrics.registry) | _series(patterns_registry({}))


def test_every_queried_name_is_registered() -> None:
    files = generate(MonitoringOptions(stacks=STACKS))
    known = registered_series() | recorded_names(files) | set(EXTERNAL_SERIES)
    queried = queried_names(files)
    assert set(queried) == {
        "prometheus/alerts/sentinel.yml",
        "grafana/dashboards/sentinel-overview.json",
        "grafana/dashboards/sentinel-security.json",
    }
    for path, names in queried.items():
        assert names, path
        assert names <= known, f"{path} queries {sorted(names - known)}, which nothing exposes"
    assert any(name.startswith("sentinel:") for names in queried.values() for name in names)
    assert check_names(files).ok


def test_recording_rules_read_registered_series_only() -> None:
    import yaml

    from sentinel_cli.monitoring.promql import metric_names

    files = generate(MonitoringOptions())
    groups = yaml.safe_load(files["prometheus/alerts/sentinel.yml"])["groups"]
    for rule in (r for g in groups for r in g["rules"] if "record" in r):
        assert metric_names(rule["expr"]) <= registered_series(), rule


def test_an_unknown_metric_is_caught() -> None:
    files = generate(MonitoringOptions())
    path = "grafana/dashboards/sentinel-overview.json"
    dashboard = json.loads(files[path])
    target = dashboard["panels"][0]["targets"][0]
    target["expr"] = target["expr"].replace("promptsentinel_batch_prompts", "promptsentinel_batch_prompt")
    files[path] = json.dumps(dashboard)
    result = check_names(files)
    assert not result.ok
    assert "promptsentinel_batch_prompt " in result.detail
