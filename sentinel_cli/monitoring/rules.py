"""Prometheus recording and alert rules for sentinel's pushed batch metrics.

A batch run pushes its whole registry with ``PUT``, so every pushed counter
holds that run's count and is replaced by the next run: ``rate()`` across runs
would read each new run as a counter reset. The rules therefore take ratios of
the pushed counters themselves ("in the last run"), judge freshness from
``promptsentinel_last_success_timestamp_seconds`` and the Pushgateway's own
``push_time_seconds``, and watch the Pushgateway through ``up``.
"""

from __future__ import annotations

from sentinel_cli.frozen import frozen
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump

BY = "job, instance"


@frozen
class Rule:
    """One alert rule. ``summary`` and ``description`` are Go templates of the restricted form
    ``templating.render`` understands, so the unit tests can state the rendered text."""

    name: str
    severity: str
    expr: str
    summary: str
    description: str
    for_: str = "0m"

    @property
    def anchor(self) -> str:
        return self.name.lower()


def _sum(metric: str, by: str = BY) -> str:
    return f"sum by ({by}) ({metric})"


def error_ratio() -> str:
    bad = 'promptsentinel_requests_total{status="error"}'
    return f"{_sum(bad)} / {_sum('promptsentinel_requests_total')}"


def block_ratio() -> str:
    blocked = 'promptsentinel_detections_total{verdict="block"}'
    return f"{_sum(blocked)} / {_sum('promptsentinel_detections_total')}"


def p95_latency() -> str:
    return f"histogram_quantile(0.95, {_sum('promptsentinel_request_duration_seconds_bucket', BY + ', le')})"


def cache_lookups(by: str) -> str:
    return (
        f"({_sum('promptsentinel_cache_hits_total', by)} + {_sum('promptsentinel_cache_misses_total', by)})"
    )


def cache_hit_ratio(by: str = BY + ", cache") -> str:
    return f"{_sum('promptsentinel_cache_hits_total', by)} / {cache_lookups(by)}"


RECORDING = {
    "sentinel:request_error_ratio:last_run": error_ratio(),
    "sentinel:block_ratio:last_run": block_ratio(),
    "sentinel:request_duration_seconds:p95": p95_latency(),
    "sentinel:cache_hit_ratio:last_run": cache_hit_ratio(),
}
"""Recording rules the dashboards use: the same expressions as the alerts, named."""


def alert_rules(options: MonitoringOptions) -> list[Rule]:
    t = options.thresholds
    job = f'job="{options.job}"'
    success = f"max by ({BY}) (promptsentinel_last_success_timestamp_seconds{{{job}}})"
    failure = f"max by ({BY}) (promptsentinel_last_failure_timestamp_seconds{{{job}}})"
    where = "{{ $labels.job }}/{{ $labels.instance }}"
    rules = [
        Rule(
            "SentinelBatchStale",
            "critical",
            f"time() - {success} > {t.stale_after_seconds}",
            f"sentinel {where} has not succeeded for {{{{ $value | humanizeDuration }}}}",
            f"No successful run of the sentinel batch job has been pushed for more than {t.stale_after}.",
            "5m",
        ),
        Rule(
            "SentinelBatchNeverSucceeded",
            "warning",
            f"absent(promptsentinel_last_success_timestamp_seconds{{{job}}})",
            "sentinel job {{ $labels.job }} has no successful run on record",
            f"No promptsentinel_last_success_timestamp_seconds for job {options.job} for {t.stale_after}.",
            t.stale_after,
        ),
        Rule(
            "SentinelBatchFailed",
            "warning",
            f"{failure} > {success} or ({failure} unless {success})",
            f"the last sentinel run of {where} failed",
            "Its last failure is newer than its last success: an input, configuration or runtime error "
            "stopped it (exit 2, 3 or 130). Read its log.",
        ),
        Rule(
            "SentinelHighErrorRatio",
            "warning",
            f"{error_ratio()} > {t.error_ratio}",
            f"{{{{ $value | humanizePercentage }}}} of the records in the last run of {where} were bad",
            f"More than {t.error_ratio:.0%} of the records the last run read were malformed and skipped.",
        ),
        Rule(
            "SentinelSlowScans",
            "warning",
            f"{p95_latency()} > {t.latency_p95_warning}",
            f"p95 scan time per prompt is {{{{ $value | humanizeDuration }}}} on {where}",
            f"The 95th percentile time to scan one prompt passed {t.latency_p95_warning}s in the last run.",
        ),
        Rule(
            "SentinelSlowScans",
            "critical",
            f"{p95_latency()} > {t.latency_p95_critical}",
            f"p95 scan time per prompt is {{{{ $value | humanizeDuration }}}} on {where}",
            f"The 95th percentile time to scan one prompt passed {t.latency_p95_critical}s in the last run.",
        ),
        Rule(
            "SentinelLowCacheHitRatio",
            "info",
            f"{cache_hit_ratio()} < {t.cache_hit_ratio}"
            f" and {cache_lookups(BY + ', cache')} >= {t.cache_min_lookups}",
            f"cache {{{{ $labels.cache }}}} hit ratio is {{{{ $value | humanizePercentage }}}} on {where}",
            f"Fewer than {t.cache_hit_ratio:.0%} of the LLM cache lookups found an entry in the last run.",
        ),
        Rule(
            "SentinelHighThreatRate",
            "warning",
            f"{block_ratio()} > {t.threat_ratio}"
            f" and {_sum('promptsentinel_detections_total')} >= {t.min_prompts}",
            f"{{{{ $value | humanizePercentage }}}} of the prompts in the last run of {where} were blocked",
            f"More than {t.threat_ratio:.0%} of at least {t.min_prompts} prompts were blocked: "
            "an attack campaign, or a change in the traffic.",
        ),
        Rule(
            "SentinelThreatsBlocked",
            "info",
            f"{_sum('promptsentinel_threats_blocked_total', BY + ', category')} > 0",
            f"{{{{ $value | humanize }}}} {{{{ $labels.category }}}} prompt(s) blocked by {where}",
            "The last run blocked prompts in this threat category.",
        ),
    ]
    if t.critical_categories:
        pattern = "|".join(t.critical_categories)
        selector = f'promptsentinel_threats_blocked_total{{category=~"{pattern}"}}'
        rules.append(
            Rule(
                "SentinelCriticalThreat",
                "critical",
                f"{_sum(selector, BY + ', category')} > 0",
                f"{{{{ $value | humanize }}}} {{{{ $labels.category }}}} attempt(s) blocked by {where}",
                f"A prompt in a critical category ({', '.join(t.critical_categories)}) was blocked.",
            )
        )
    llm_by = BY + ", provider"
    rules += [
        Rule(
            "SentinelLlmProviderErrors",
            "warning",
            f"{_sum('promptsentinel_llm_errors_total', llm_by)}"
            f" / {_sum('promptsentinel_llm_requests_total', llm_by)} > {t.llm_error_ratio}",
            "{{ $value | humanizePercentage }} of the calls to {{ $labels.provider }} failed on " + where,
            f"More than {t.llm_error_ratio:.0%} of the LLM judge's calls to this provider failed.",
        ),
        Rule(
            "SentinelLlmBudget",
            "warning",
            f"max by ({BY}, period) (promptsentinel_budget_usage_percent) >= {t.budget_warning:g}",
            "{{ $labels.period }} LLM budget {{ $value | humanize }}% used on " + where,
            f"At least {t.budget_warning:g}% of the LLM budget for the period is spent.",
        ),
        Rule(
            "SentinelLlmBudget",
            "critical",
            f"max by ({BY}, period) (promptsentinel_budget_usage_percent) >= {t.budget_critical:g}",
            "{{ $labels.period }} LLM budget {{ $value | humanize }}% used on " + where,
            f"At least {t.budget_critical:g}% of the LLM budget is spent: the judge stops being called.",
        ),
        Rule(
            "SentinelRepeatedAttacks",
            "warning",
            f"max by ({BY}, category) (promptsentinel_repeated_attacks) >= {t.repeated_attacks}",
            "{{ $value | humanize }} repeated {{ $labels.category }} attack prompt(s) reported by " + where,
            "sentinel report patterns found the same normalised attack text many times.",
        ),
        Rule(
            "SentinelPushgatewayDown",
            "critical",
            'up{job="pushgateway"} == 0',
            "the Pushgateway {{ $labels.instance }} is down",
            "Prometheus cannot scrape the Pushgateway: batch results are not reaching Prometheus.",
            t.pushgateway_down_for,
        ),
        Rule(
            "SentinelNoRecentPush",
            "warning",
            f"time() - max by ({BY}) (push_time_seconds{{{job}}}) > {t.stale_after_seconds}",
            f"nothing pushed by {where} for {{{{ $value | humanizeDuration }}}}",
            "The Pushgateway has not received a push from this group: the job is not running at all.",
        ),
        Rule(
            "SentinelPushRejected",
            "warning",
            f"max by ({BY}) (push_failure_time_seconds{{{job}}})"
            f" > max by ({BY}) (push_time_seconds{{{job}}})",
            f"the Pushgateway rejected the last push of {where}",
            "The last push failed on the Pushgateway side (for example inconsistent metrics).",
        ),
    ]
    return rules


def rules_document(options: MonitoringOptions) -> dict[str, object]:
    alerts = []
    for rule in alert_rules(options):
        alert: dict[str, object] = {"alert": rule.name, "expr": rule.expr}
        if rule.for_ not in ("0m", "0s"):
            alert["for"] = rule.for_
        alert["labels"] = {"severity": rule.severity, "service": "sentinel"}
        alert["annotations"] = {
            "summary": rule.summary,
            "description": rule.description,
            "runbook_url": f"{options.runbook_base}#{rule.anchor}",
        }
        alerts.append(alert)
    return {
        "groups": [
            {
                "name": "sentinel.recording",
                "rules": [{"record": name, "expr": expr} for name, expr in RECORDING.items()],
            },
            {"name": "sentinel.alerts", "rules": alerts},
        ]
    }


def rules_file(options: MonitoringOptions) -> str:
    header = (
        "Alert and recording rules for sentinel's pushed batch metrics (sentinel gen-monitoring).\n"
        "Counters hold the last run's counts (each run replaces its Pushgateway group), so the\n"
        "ratios below are per run; freshness comes from the success timestamp and push_time_seconds."
    )
    return dump(rules_document(options), header)
