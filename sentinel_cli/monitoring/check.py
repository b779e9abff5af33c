"""``gen-monitoring --check``: the real Prometheus tools on the generated files, when installed,
and the metric names every rule and dashboard query reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from sentinel_cli.frozen import frozen
from sentinel_cli.monitoring.generate import ALERTMANAGER, PROMETHEUS, RULE_TESTS, RULES
from sentinel_cli.monitoring.promql import EXTERNAL_SERIES, grafana_query_names, metric_names


@frozen
class CheckResult:
    name: str
    ok: bool
    detail: str = ""
    skipped: bool = False


def _tool(name: str, args: list[str], cwd: Path, what: str) -> CheckResult:
    binary = shutil.which(name)
    if binary is None:
        return CheckResult(what, True, f"{name} is not installed", skipped=True)
    try:
        done = subprocess.run(
            [binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        return CheckResult(what, False, f"{name} timed out")
    output = (done.stdout + done.stderr).strip()
    return CheckResult(what, done.returncode == 0, output)


def run_tools(output_dir: Path, files: dict[str, str]) -> list[CheckResult]:
    results = []
    if PROMETHEUS in files:
        results += [
            _tool("promtool", ["check", "config", PROMETHEUS], output_dir, "promtool check config"),
            _tool("promtool", ["check", "rules", RULES], output_dir, "promtool check rules"),
            _tool("promtool", ["test", "rules", RULE_TESTS], output_dir, "promtool test rules"),
        ]
    if ALERTMANAGER in files:
        results.append(_tool("amtool", ["check-config", ALERTMANAGER], output_dir, "amtool check-config"))
    return results


def queried_names(files: dict[str, str]) -> dict[str, set[str]]:
    """Metric names read by each rules file and dashboard, by path."""
    import yaml

    names: dict[str, set[str]] = {}
    for path, content in files.items():
        if path.startswith("prometheus/alerts/"):
            document = yaml.safe_load(content)
            names[path] = {
                name
                for group in document["groups"]
                for rule in group["rules"]
                for name in metric_names(rule["expr"])
            }
        elif path.startswith("grafana/dashboards/"):
            dashboard = json.loads(content)
            found = {
                name
                for panel in dashboard["panels"]
                for target in panel.get("targets", [])
                for name in metric_names(target["expr"])
            }
            for variable in dashboard["templating"]["list"]:
                if variable["type"] == "query":
                    found |= grafana_query_names(variable["query"]["query"])
            names[path] = found
    return names


def recorded_names(files: dict[str, str]) -> set[str]:
    import yaml

    return {
        rule["record"]
        for path, content in files.items()
        if path.startswith("prometheus/alerts/")
        for group in yaml.safe_load(content)["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def check_names(files: dict[str, str]) -> CheckResult:
    from sentinel_cli.telemetry.catalog import series_names

    known = series_names() | recorded_names(files) | set(EXTERNAL_SERIES)
    unknown = sorted(
        f"{name} ({path})" for path, names in queried_names(files).items() for name in names - known
    )
    if unknown:
        return CheckResult("metric names", False, "queried but never exposed: " + ", ".join(unknown))
    return CheckResult("metric names", True, f"{len(known)} known series")
