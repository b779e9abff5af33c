"""``promtool test rules`` unit tests: each alert fires on a run that should page and stays
quiet on one that should not, with inputs derived from the thresholds in effect."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import field

from sentinel_cli.frozen import frozen
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.rules import Rule, alert_rules
from sentinel_cli.monitoring.templating import render
from sentinel_cli.monitoring.yamltext import dump
from sentinel_cli.telemetry.catalog import REQUEST_BUCKETS, THREAT_CATEGORIES

INSTANCE = "nightly"


MAX_STEPS = 150
"""Evaluations per test at most: promtool evaluates every rule at every step up to the eval time,
so a long ``stale_after`` gets a longer step rather than a slow test."""


def step_minutes(options: MonitoringOptions) -> int:
    stale = options.thresholds.stale_after_seconds // 60 + 60
    return max(1, math.ceil(stale / MAX_STEPS))


def _stale_steps(options: MonitoringOptions) -> int:
    """Steps past ``stale_after``, with room for a ``for`` of 5 minutes."""
    step = step_minutes(options) * 60
    return math.ceil(options.thresholds.stale_after_seconds / step) + max(3, math.ceil(600 / step))


@frozen
class Case:
    """Series (selector -> promtool expanding notation, one sample per step), an evaluation time
    in steps, and the alerts expected then: ``(severity, extra labels, value)``."""

    alert: str
    series: dict[str, str]
    steps: int
    fired: Sequence[tuple[str, dict[str, str], float]] = field(default_factory=tuple)


def _labels(job: str, **extra: str) -> dict[str, str]:
    return {"job": job, "instance": INSTANCE, **extra}


def _selector(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{key}="{value}"' for key, value in labels.items())
    return f"{name}{{{inner}}}"


def _ratio_counts(threshold: float, total: int) -> tuple[int, int] | None:
    """Counts above and below ``threshold`` out of ``total``; ``None`` when nothing can exceed it."""
    high = min(total, math.ceil(threshold * total * 1.5) + 1)
    if high / total <= threshold:
        return None
    return high, math.floor(threshold * total / 2)


def _p95(upper: float, lower: float) -> float:
    """``histogram_quantile(0.95, ...)`` with every observation in the bucket ``(lower, upper]``."""
    rank, count = 0.95 * 100, 100.0
    return lower + (upper - lower) * (rank / count)


def _histogram(job: str, upper_index: int, minutes: int) -> tuple[dict[str, str], float]:
    """100 observations in one request-duration bucket (``len(BUCKETS)`` = the +Inf bucket)."""
    series = {}
    bounds = [*REQUEST_BUCKETS, math.inf]
    for index, bound in enumerate(bounds):
        le = "+Inf" if math.isinf(bound) else repr(bound)
        value = 100 if index >= upper_index else 0
        name = "promptsentinel_request_duration_seconds_bucket"
        series[_selector(name, _labels(job, endpoint="scan", le=le))] = f"{value}x{minutes}"
    if upper_index == len(REQUEST_BUCKETS):
        return series, REQUEST_BUCKETS[-1]  # Prometheus answers the highest finite bound
    lower = REQUEST_BUCKETS[upper_index - 1] if upper_index else 0.0
    return series, _p95(REQUEST_BUCKETS[upper_index], lower)


def _latency_cases(options: MonitoringOptions) -> list[Case]:
    t, job = options.thresholds, options.job
    cases = [Case("SentinelSlowScans", _histogram(job, 0, 10)[0], 5)]
    quantiles = [_histogram(job, i, 10) for i in range(len(REQUEST_BUCKETS) + 1)]
    warn = next((q for q in quantiles if t.latency_p95_warning < q[1] <= t.latency_p95_critical), None)
    crit = next((q for q in quantiles if q[1] > t.latency_p95_critical), None)
    if warn is not None:
        cases.append(Case("SentinelSlowScans", warn[0], 5, [("warning", _labels(job), warn[1])]))
    if crit is not None:
        fired = [("warning", _labels(job), crit[1]), ("critical", _labels(job), crit[1])]
        cases.append(Case("SentinelSlowScans", crit[0], 5, fired))
    return cases


def cases(options: MonitoringOptions) -> list[Case]:
    t, job = options.thresholds, options.job
    at = _labels(job)
    step = step_minutes(options) * 60
    stale = _stale_steps(options)
    steps = f"x{stale + 10}"
    ts = "promptsentinel_last_success_timestamp_seconds"
    failed = "promptsentinel_last_failure_timestamp_seconds"
    out = [
        Case(
            "SentinelBatchStale",
            {_selector(ts, at): "0" + steps},
            stale,
            [("critical", at, stale * step * 1.0)],
        ),
        Case("SentinelBatchStale", {_selector(ts, at): f"0+{step}" + steps}, stale),
        Case(
            "SentinelBatchNeverSucceeded",
            {_selector("promptsentinel_build_info", _labels(job, version="1")): "1" + steps},
            stale,
            [("warning", {"job": job}, 1.0)],
        ),
        Case("SentinelBatchNeverSucceeded", {_selector(ts, at): f"0+{step}" + steps}, stale),
        Case(
            "SentinelBatchFailed",
            {_selector(ts, at): "100x10", _selector(failed, at): "200x10"},
            5,
            [("warning", at, 200.0)],
        ),
        Case("SentinelBatchFailed", {_selector(failed, at): "200x10"}, 5, [("warning", at, 200.0)]),
        Case("SentinelBatchFailed", {_selector(ts, at): "200x10", _selector(failed, at): "100x10"}, 5),
        *_latency_cases(options),
    ]
    requests = "promptsentinel_requests_total"
    counts = _ratio_counts(t.error_ratio, 1000)
    for bad in (counts or ())[: 2 if counts else 0]:
        series = {
            _selector(requests, _labels(job, endpoint="scan", status="ok")): f"{1000 - bad}x10",
            _selector(requests, _labels(job, endpoint="scan", status="error")): f"{bad}x10",
        }
        fired = [("warning", at, bad / 1000)] if bad / 1000 > t.error_ratio else []
        out.append(Case("SentinelHighErrorRatio", series, 5, fired))
    lookups = max(1000, t.cache_min_lookups)
    for hits, total in ((math.floor(t.cache_hit_ratio * lookups / 2), lookups), (lookups, lookups)):
        cache = _labels(job, cache="llm")
        series = {
            _selector("promptsentinel_cache_hits_total", cache): f"{hits}x10",
            _selector("promptsentinel_cache_misses_total", cache): f"{total - hits}x10",
        }
        ratio = hits / total
        fired = [("info", cache, ratio)] if ratio < t.cache_hit_ratio else []
        out.append(Case("SentinelLowCacheHitRatio", series, 5, fired))
    out += _threat_cases(options)
    return out + _llm_and_push_cases(options)


def _threat_cases(options: MonitoringOptions) -> list[Case]:
    t, job = options.thresholds, options.job
    at = _labels(job)
    out = []
    detections = "promptsentinel_detections_total"
    total = max(1000, t.min_prompts)
    counts = _ratio_counts(t.threat_ratio, total)
    plans = [(blocked, total) for blocked in (counts or ())[: 2 if counts else 0]]
    if t.min_prompts > 1:
        plans.append((t.min_prompts - 1, t.min_prompts - 1))  # all blocked, but too few prompts
    for blocked, prompts in plans:
        series = {
            _selector(detections, _labels(job, verdict="block", mode="moderate")): f"{blocked}x10",
            _selector(detections, _labels(job, verdict="allow", mode="moderate")): f"{prompts - blocked}x10",
        }
        ratio = blocked / prompts
        fired = [("warning", at, ratio)] if ratio > t.threat_ratio and prompts >= t.min_prompts else []
        out.append(Case("SentinelHighThreatRate", series, 5, fired))
    threats = "promptsentinel_threats_blocked_total"
    ordinary = next((c for c in THREAT_CATEGORIES if c not in t.critical_categories), None)
    if ordinary is not None:
        series = {_selector(threats, _labels(job, category=ordinary)): "3x10"}
        out.append(
            Case("SentinelThreatsBlocked", series, 5, [("info", _labels(job, category=ordinary), 3.0)])
        )
        if t.critical_categories:
            out.append(Case("SentinelCriticalThreat", series, 5))
    zero = {_selector(threats, _labels(job, category=c)): "0x10" for c in THREAT_CATEGORIES}
    out.append(Case("SentinelThreatsBlocked", zero, 5))
    for category in t.critical_categories:
        series = {**zero, _selector(threats, _labels(job, category=category)): "2x10"}
        out.append(
            Case("SentinelCriticalThreat", series, 5, [("critical", _labels(job, category=category), 2.0)])
        )
    repeated = "promptsentinel_repeated_attacks"
    for value in (t.repeated_attacks, t.repeated_attacks - 1):
        labels = _labels(job, category="jailbreak")
        fired = [("warning", labels, float(value))] if value >= t.repeated_attacks else []
        out.append(Case("SentinelRepeatedAttacks", {_selector(repeated, labels): f"{value}x10"}, 5, fired))
    return out


def _llm_and_push_cases(options: MonitoringOptions) -> list[Case]:
    t, job = options.thresholds, options.job
    at = _labels(job)
    out = []
    counts = _ratio_counts(t.llm_error_ratio, 1000)
    for errors in (counts or ())[: 2 if counts else 0]:
        series = {
            _selector("promptsentinel_llm_requests_total", _labels(job, provider="anthropic", model="m")): (
                "1000x10"
            ),
            _selector(
                "promptsentinel_llm_errors_total", _labels(job, provider="anthropic", type="timeout")
            ): (f"{errors}x10"),
        }
        ratio = errors / 1000
        labels = _labels(job, provider="anthropic")
        fired = [("warning", labels, ratio)] if ratio > t.llm_error_ratio else []
        out.append(Case("SentinelLlmProviderErrors", series, 5, fired))
    budget = "promptsentinel_budget_usage_percent"
    day = _labels(job, period="day")
    warn_value = (t.budget_warning + t.budget_critical) / 2
    plans: list[tuple[float, list[str]]] = [(t.budget_warning / 2, [])]
    if warn_value < t.budget_critical:
        plans.append((warn_value, ["warning"]))
    plans.append((t.budget_critical + 5, ["warning", "critical"]))
    for value, severities in plans:
        out.append(
            Case(
                "SentinelLlmBudget",
                {_selector(budget, day): f"{value:g}x10"},
                5,
                [(s, day, value) for s in severities],
            )
        )
    step = step_minutes(options) * 60
    down = math.ceil(t.pushgateway_down_seconds / step) + 3
    up = {"job": "pushgateway", "instance": "pushgateway:9091"}
    out += [
        Case(
            "SentinelPushgatewayDown", {_selector("up", up): f"0x{down + 5}"}, down, [("critical", up, 0.0)]
        ),
        Case("SentinelPushgatewayDown", {_selector("up", up): f"1x{down + 5}"}, down),
    ]
    stale = _stale_steps(options)
    push = "push_time_seconds"
    out += [
        Case(
            "SentinelNoRecentPush",
            {_selector(push, at): f"0x{stale + 10}"},
            stale,
            [("warning", at, stale * step * 1.0)],
        ),
        Case("SentinelNoRecentPush", {_selector(push, at): f"0+{step}x{stale + 10}"}, stale),
        Case(
            "SentinelPushRejected",
            {_selector(push, at): "100x10", _selector("push_failure_time_seconds", at): "200x10"},
            5,
            [("warning", at, 200.0)],
        ),
        Case(
            "SentinelPushRejected",
            {_selector(push, at): "200x10", _selector("push_failure_time_seconds", at): "100x10"},
            5,
        ),
    ]
    return out


def _expected(rules: dict[tuple[str, str], Rule], case: Case, base: str) -> list[dict[str, object]]:
    alerts: list[dict[str, object]] = []
    for severity, labels, value in case.fired:
        rule = rules[(case.alert, severity)]
        alerts.append(
            {
                "exp_labels": {**labels, "severity": severity, "service": "sentinel"},
                "exp_annotations": {
                    "summary": render(rule.summary, labels, value),
                    "description": render(rule.description, labels, value),
                    "runbook_url": f"{base}#{rule.anchor}",
                },
            }
        )
    return alerts


def rule_tests_document(options: MonitoringOptions, rules_path: str) -> dict[str, object]:
    rules = {(rule.name, rule.severity): rule for rule in alert_rules(options)}
    step = step_minutes(options)
    tests = []
    for case in cases(options):
        if not any(name == case.alert for name, _ in rules):
            continue
        tests.append(
            {
                "name": f"{case.alert}: {'fires' if case.fired else 'stays quiet'}",
                "interval": f"{step}m",
                "input_series": [{"series": s, "values": v} for s, v in case.series.items()],
                "alert_rule_test": [
                    {
                        "eval_time": f"{case.steps * step}m",
                        "alertname": case.alert,
                        "exp_alerts": _expected(rules, case, options.runbook_base),
                    }
                ],
            }
        )
    return {"rule_files": [rules_path], "evaluation_interval": f"{step}m", "tests": tests}


def rule_tests_file(options: MonitoringOptions, rules_path: str = "../alerts/sentinel.yml") -> str:
    header = "promtool test rules unit tests for alerts/sentinel.yml: run `promtool test rules` on this file."
    return dump(rule_tests_document(options, rules_path), header)
