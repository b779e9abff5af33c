"""The generated alert rules, checked and unit-tested by the real promtool."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli.monitoring.generate import RULE_TESTS, RULES
from sentinel_cli.monitoring.options import MonitoringOptions, Thresholds
from sentinel_cli.monitoring.rule_tests import cases
from sentinel_cli.monitoring.rules import alert_rules
from tests.monitoring.helpers import generate_into, tool

CUSTOM = Thresholds(
    stale_after="8d",
    error_ratio=0.3,
    latency_p95_warning=0.05,
    latency_p95_critical=0.25,
    cache_hit_ratio=0.9,
    threat_ratio=0.02,
    min_prompts=500,
    critical_categories=("jailbreak", "data_exfiltration"),
    llm_error_ratio=0.5,
    budget_warning=50,
    budget_critical=90,
    repeated_attacks=5,
    pushgateway_down_for="10m",
)


@pytest.mark.parametrize("thresholds", [Thresholds(), CUSTOM], ids=["defaults", "custom"])
def test_promtool_checks_the_rules_and_runs_their_unit_tests(tmp_path: Path, thresholds: Thresholds) -> None:
    generate_into(tmp_path, MonitoringOptions(thresholds=thresholds, job="nightly-scan"))
    checked = tool("promtool", "check", "rules", RULES, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 21 rules found" in checked.stdout or "rules found" in checked.stdout
    tested = tool("promtool", "test", "rules", RULE_TESTS, cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_alert_has_a_case_that_fires_and_one_that_stays_quiet() -> None:
    for thresholds in (Thresholds(), CUSTOM):
        options = MonitoringOptions(thresholds=thresholds)
        all_cases = cases(options)
        for rule in alert_rules(options):
            mine = [c for c in all_cases if c.alert == rule.name]
            assert any(rule.severity in {s for s, _, _ in c.fired} for c in mine), rule
            assert any(not c.fired for c in mine), rule


def test_the_unit_tests_catch_a_wrong_threshold(tmp_path: Path) -> None:
    """The generated tests are not a formality: loosen one rule and promtool fails."""
    generate_into(tmp_path)
    rules = tmp_path / RULES
    text = rules.read_text()
    assert "> 0.05\n" in text
    rules.write_text(text.replace("> 0.05\n", "> 0.5\n", 1))
    tested = tool("promtool", "test", "rules", RULE_TESTS, cwd=tmp_path)
    assert tested.returncode != 0
    assert "SentinelHighErrorRatio" in tested.stdout + tested.stderr


def test_thresholds_reach_the_expressions() -> None:
    rules = {(r.name, r.severity): r for r in alert_rules(MonitoringOptions(thresholds=CUSTOM, job="j"))}
    assert rules[("SentinelBatchStale", "critical")].expr.endswith("> 691200")
    assert 'job="j"' in rules[("SentinelBatchStale", "critical")].expr
    assert rules[("SentinelBatchNeverSucceeded", "warning")].for_ == "8d"
    assert 'category=~"jailbreak|data_exfiltration"' in rules[("SentinelCriticalThreat", "critical")].expr
    assert rules[("SentinelLlmBudget", "critical")].expr.endswith(">= 90")
    assert rules[("SentinelPushgatewayDown", "critical")].for_ == "10m"
    none = MonitoringOptions(thresholds=Thresholds(critical_categories=()))
    assert "SentinelCriticalThreat" not in {r.name for r in alert_rules(none)}


def test_rules_suit_pushed_batch_metrics() -> None:
    """No rate() over counters that each run replaces; freshness from the pushed timestamps."""
    rules = alert_rules(MonitoringOptions())
    assert not any("rate(" in rule.expr or "increase(" in rule.expr for rule in rules)
    exprs = " ".join(rule.expr for rule in rules)
    for series in (
        "promptsentinel_last_success_timestamp_seconds",
        "push_time_seconds",
        'up{job="pushgateway"}',
    ):
        assert series in exprs
    severities = {rule.severity for rule in rules}
    assert severities == {"info", "warning", "critical"}
