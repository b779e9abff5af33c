"""The dashboards: valid against Grafana's dashboard schema, current panel types, a datasource
variable every panel and query uses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sentinel_cli.monitoring.dashboards import dashboard_files, overview, security
from sentinel_cli.monitoring.grafana import provisioning_files
from sentinel_cli.monitoring.options import MonitoringOptions
from tests.monitoring.helpers import GRAFANA_SCHEMA

CURRENT = {"timeseries", "stat", "piechart", "barchart", "heatmap"}


def _dashboards() -> list[dict[str, Any]]:
    return [overview(MonitoringOptions()), security(MonitoringOptions())]


@pytest.mark.parametrize("dashboard", _dashboards(), ids=["overview", "security"])
def test_dashboard_validates_against_the_grafana_schema(dashboard: dict[str, Any]) -> None:
    if not GRAFANA_SCHEMA.is_file():
        pytest.skip(f"{GRAFANA_SCHEMA} is not there (shared schemas)")
    from jsonschema import Draft7Validator

    validator = Draft7Validator(json.loads(GRAFANA_SCHEMA.read_text()))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(dashboard)]
    assert errors == []


def test_the_schema_check_is_not_vacuous() -> None:
    if not GRAFANA_SCHEMA.is_file():
        pytest.skip(f"{GRAFANA_SCHEMA} is not there (shared schemas)")
    from jsonschema import Draft7Validator

    broken = overview(MonitoringOptions())
    broken["panels"][0]["gridPos"].pop("h")
    assert list(Draft7Validator(json.loads(GRAFANA_SCHEMA.read_text())).iter_errors(broken))


def test_panels_are_current_types_on_the_datasource_variable() -> None:
    types = set()
    for dashboard in _dashboards():
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        assert variables["datasource"]["query"] == "prometheus"
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids))
        for panel in dashboard["panels"]:
            types.add(panel["type"])
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            assert panel["targets"], panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == "${datasource}"
                assert 'job=~"$job"' in target["expr"], target["expr"]
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24
    assert types == CURRENT


def test_overview_and_security_cover_what_the_issue_lists() -> None:
    titles = " | ".join(p["title"] for d in _dashboards() for p in d["panels"]).lower()
    wanted = ["prompts scanned", "verdicts", "error ratio", "scan time", "cache hit", "since last success"]
    wanted += ["llm cost", "budget", "threats blocked by category", "pii", "confidence"]
    for words in wanted:
        assert words in titles, words


def test_provisioning_points_at_the_dashboards_and_prometheus() -> None:
    import yaml

    files = provisioning_files(MonitoringOptions())
    datasource = yaml.safe_load(files["grafana/provisioning/datasources/prometheus.yml"])["datasources"][0]
    assert (datasource["type"], datasource["uid"], datasource["url"]) == (
        "prometheus", "prometheus", "http://prometheus:9090",
    )  # fmt: skip
    provider = yaml.safe_load(files["grafana/provisioning/dashboards/sentinel.yml"])["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/var/lib/grafana")
    assert set(dashboard_files(MonitoringOptions())) == {
        "grafana/dashboards/sentinel-overview.json",
        "grafana/dashboards/sentinel-security.json",
    }
