"""The generated prometheus.yml, checked by the real promtool."""

from __future__ import annotations

from pathlib import Path

import yaml

from sentinel_cli.monitoring.generate import PROMETHEUS
from sentinel_cli.monitoring.options import MonitoringOptions
from tests.monitoring.helpers import generate_into, tool


def test_promtool_accepts_the_config_with_every_kind_of_target(tmp_path: Path) -> None:
    options = MonitoringOptions(
        node_exporters=("node1:9100", "node2:9100"), scrape_targets=("scanner:9464",), job="nightly"
    )
    generate_into(tmp_path, options)
    checked = tool("promtool", "check", "config", PROMETHEUS, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 rule files found" in checked.stdout + checked.stderr
    config = yaml.safe_load((tmp_path / PROMETHEUS).read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["pushgateway"]["honor_labels"] is True
    assert jobs["node"]["static_configs"][0]["targets"] == ["node1:9100", "node2:9100"]
    assert jobs["nightly-live"]["static_configs"][0]["targets"] == ["scanner:9464"]
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["alertmanager:9093"]
    assert config["rule_files"] == ["alerts/*.yml"]


def test_optional_jobs_are_left_out_when_not_asked_for(tmp_path: Path) -> None:
    generate_into(tmp_path)
    config = yaml.safe_load((tmp_path / PROMETHEUS).read_text())
    assert [job["job_name"] for job in config["scrape_configs"]] == ["prometheus", "pushgateway"]
