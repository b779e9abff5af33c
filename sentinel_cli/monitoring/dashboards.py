"""The two dashboards: overview (volume, verdicts, errors, latency, cache, LLM usage, budget)
and security (threats by category, PII by type, confidence, repeated attacks)."""

from __future__ import annotations

import json
from typing import Any

from sentinel_cli.monitoring.grafana import (
    DURATION_BUCKETS,
    LLM_BUCKETS,
    Panel,
    Query,
    dashboard,
    sel,
    series,
    stat,
)
from sentinel_cli.monitoring.options import MonitoringOptions


def overview(options: MonitoringOptions) -> dict[str, Any]:
    t = options.thresholds
    ratio = "percentunit"
    panels = [
        stat(
            "Prompts scanned (last run)",
            "Prompts the last run scanned.",
            f"sum({sel('promptsentinel_batch_prompts')})",
        ),
        stat(
            "Since last success",
            "Time since the last successful run was pushed.",
            f"time() - max({sel('promptsentinel_last_success_timestamp_seconds')})",
            "s",
            thresholds=[(None, "green"), (float(t.stale_after_seconds), "red")],
        ),
        stat(
            "Error ratio (last run)",
            "Bad records / records handled.",
            f"max({sel('sentinel:request_error_ratio:last_run')})",
            ratio,
            thresholds=[(None, "green"), (t.error_ratio, "red")],
        ),
        stat(
            "Cache hit ratio",
            "LLM cache lookups that found an entry (last run).",
            f"min({sel('sentinel:cache_hit_ratio:last_run')})",
            ratio,
            thresholds=[(None, "red"), (t.cache_hit_ratio, "green")],
        ),
        stat(
            "LLM cost (last run)",
            "Estimated spend of the LLM judge.",
            f"sum({sel('promptsentinel_llm_cost_usd_total')})",
            "currencyUSD",
        ),
        stat(
            "Budget used",
            "Share of the LLM budget spent, highest period.",
            f"max({sel('promptsentinel_budget_usage_percent')})",
            "percent",
            thresholds=[(None, "green"), (t.budget_warning, "orange"), (t.budget_critical, "red")],
        ),
        Panel(
            "piechart",
            "Verdicts (last run)",
            "Prompts by verdict.",
            [
                Query(
                    f"sum by (verdict) ({sel('promptsentinel_detections_total')})",
                    "{{verdict}}",
                    instant=True,
                )
            ],
            w=8,
            h=8,
            options={
                "pieType": "donut",
                "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
            },
        ),
        series(
            "Prompts per run",
            "Prompts scanned by each run, and its duration.",
            [
                Query(
                    f"sum by (job, instance) ({sel('promptsentinel_batch_prompts')})", "{{job}}/{{instance}}"
                ),
            ],
            w=8,
        ),
        series(
            "Run duration",
            "Wall-clock duration of each run.",
            [
                Query(
                    f"max by (job, instance) ({sel('promptsentinel_batch_duration_seconds')})",
                    "{{job}}/{{instance}}",
                )
            ],
            "s",
            w=8,
        ),
        series(
            "Scan time per prompt",
            "Percentiles of the time to scan one prompt (last run).",
            [
                Query(
                    f"histogram_quantile({q}, sum by (le) ({sel(DURATION_BUCKETS)}))",
                    f"p{int(q * 100)}",
                )
                for q in (0.5, 0.95, 0.99)
            ],
            "s",
        ),
        series(
            "Error ratio and errors",
            "Bad-record ratio and errors by type.",
            [
                Query(f"max({sel('sentinel:request_error_ratio:last_run')})", "bad-record ratio"),
                Query(f"sum by (type) ({sel('promptsentinel_errors_total')})", "{{type}}"),
            ],
        ),
        series(
            "LLM calls and tokens",
            "Calls to each provider and tokens by direction (last run).",
            [
                Query(
                    f"sum by (provider) ({sel('promptsentinel_llm_requests_total')})", "{{provider}} calls"
                ),
                Query(f"sum by (provider) ({sel('promptsentinel_llm_errors_total')})", "{{provider}} errors"),
                Query(
                    f"sum by (direction) ({sel('promptsentinel_llm_tokens_total')})", "{{direction}} tokens"
                ),
            ],
        ),
        series(
            "LLM latency p95 and cost",
            "p95 LLM call latency by provider, and spend.",
            [
                Query(
                    f"histogram_quantile(0.95, sum by (provider, le) ({sel(LLM_BUCKETS)}))",
                    "{{provider}} p95",
                ),
                Query(f"sum by (provider) ({sel('promptsentinel_llm_cost_usd_total')})", "{{provider}} USD"),
            ],
        ),
        series(
            "Budget and memory",
            "LLM budget used by period, and peak memory of each run.",
            [
                Query(
                    f"max by (period) ({sel('promptsentinel_budget_usage_percent')})", "{{period}} budget %"
                ),
                Query(f"max({sel('promptsentinel_memory_peak_bytes')}) / 1048576", "peak memory MiB"),
            ],
        ),
        series(
            "Cache",
            "LLM cache hits, misses and entries (last run).",
            [
                Query(f"sum({sel('promptsentinel_cache_hits_total')})", "hits"),
                Query(f"sum({sel('promptsentinel_cache_misses_total')})", "misses"),
                Query(f"sum({sel('promptsentinel_cache_entries')})", "entries"),
            ],
        ),
    ]
    return dashboard(
        "sentinel-overview",
        "sentinel: overview",
        "Batch runs of sentinel: volume, verdicts, errors, latency, cache, LLM usage and budget.",
        panels,
    )


def security(options: MonitoringOptions) -> dict[str, Any]:
    panels = [
        stat(
            "Blocked (last run)",
            "Prompts blocked.",
            "sum(" + sel("promptsentinel_detections_total", 'verdict="block"') + ")",
        ),
        stat(
            "Block ratio",
            "Blocked / scanned in the last run.",
            f"max({sel('sentinel:block_ratio:last_run')})",
            "percentunit",
            thresholds=[(None, "green"), (options.thresholds.threat_ratio, "red")],
        ),
        stat(
            "PII and secrets",
            "Spans found in the last run.",
            f"sum({sel('promptsentinel_pii_detected_total')})",
        ),
        stat(
            "Repeated attacks",
            "Prompts in repeated attack patterns (sentinel report patterns --push).",
            f"sum({sel('promptsentinel_repeated_attacks')})",
        ),
        Panel(
            "barchart",
            "Threats blocked by category",
            "Blocked prompts per threat category (last run).",
            [
                Query(
                    f"sum by (category) ({sel('promptsentinel_threats_blocked_total')})",
                    "{{category}}",
                    instant=True,
                    format="table",
                )
            ],
            w=12,
            h=9,
            options={
                "orientation": "horizontal",
                "xField": "category",
                "showValue": "auto",
                "legend": {"showLegend": False},
            },
        ),
        Panel(
            "piechart",
            "PII and secrets by type",
            "Spans found per entity type (last run).",
            [Query(f"sum by (type) ({sel('promptsentinel_pii_detected_total')})", "{{type}}", instant=True)],
            w=12,
            h=9,
            options={
                "pieType": "pie",
                "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
            },
        ),
        Panel(
            "heatmap",
            "Finding confidence",
            "Distribution of finding confidence per run.",
            [
                Query(
                    f"sum by (le) ({sel('promptsentinel_detection_confidence_bucket')})",
                    "{{le}}",
                    format="heatmap",
                )
            ],
            w=12,
            h=9,
            options={"calculate": False, "yAxis": {"unit": "percentunit"}, "cellGap": 1},
        ),
        series(
            "Threats by category over time",
            "Blocked prompts per category in each run.",
            [Query(f"sum by (category) ({sel('promptsentinel_threats_blocked_total')})", "{{category}}")],
        ),
        series(
            "Verdicts over time",
            "Prompts per verdict in each run.",
            [Query(f"sum by (verdict) ({sel('promptsentinel_detections_total')})", "{{verdict}}")],
        ),
        Panel(
            "barchart",
            "Repeated attacks by category",
            "Prompts in repeated attack patterns per category.",
            [
                Query(
                    f"sum by (category) ({sel('promptsentinel_repeated_attacks')})",
                    "{{category}}",
                    instant=True,
                    format="table",
                )
            ],
            w=12,
            h=8,
            options={
                "orientation": "horizontal",
                "xField": "category",
                "showValue": "auto",
                "legend": {"showLegend": False},
            },
        ),
    ]
    return dashboard(
        "sentinel-security",
        "sentinel: security",
        "What sentinel blocked: threats by category, PII by type, confidence, repeated attacks.",
        panels,
    )


def dashboard_files(options: MonitoringOptions) -> dict[str, str]:
    return {
        "grafana/dashboards/sentinel-overview.json": json.dumps(overview(options), indent=2) + "\n",
        "grafana/dashboards/sentinel-security.json": json.dumps(security(options), indent=2) + "\n",
    }
