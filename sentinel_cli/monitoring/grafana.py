"""Grafana dashboards (overview and security) and the provisioning files that load them.

Panels use current types only (timeseries, stat, piechart, barchart, heatmap);
every query goes through the ``datasource`` variable and the ``job`` and
``instance`` variables, so one dashboard serves every pushed group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump

SCHEMA_VERSION = 41
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
F = '{job=~"$job", instance=~"$instance"}'
"""The label filter every query carries."""


DURATION_BUCKETS = "promptsentinel_request_duration_seconds_bucket"
LLM_BUCKETS = "promptsentinel_llm_latency_seconds_bucket"


def sel(metric: str, extra: str = "") -> str:
    """``metric{job=~"$job", instance=~"$instance"[, extra]}``."""
    return f"{metric}{F[:-1]}{', ' + extra if extra else ''}}}"


@dataclass
class Query:
    expr: str
    legend: str = ""
    instant: bool = False
    format: str = "time_series"


@dataclass
class Panel:
    type: str
    title: str
    description: str
    queries: list[Query]
    w: int = 6
    h: int = 6
    unit: str = "short"
    options: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    thresholds: list[tuple[float | None, str]] = field(default_factory=lambda: [(None, "green")])
    minmax: tuple[float | None, float | None] = (None, None)


def _target(query: Query, ref: str) -> dict[str, Any]:
    target: dict[str, Any] = {
        "refId": ref,
        "datasource": DATASOURCE,
        "expr": query.expr,
        "legendFormat": query.legend or "__auto",
        "instant": query.instant,
        "range": not query.instant,
        "format": query.format,
    }
    return target


def _panel(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "unit": panel.unit,
        "color": {"mode": "palette-classic" if panel.type != "stat" else "thresholds"},
        "thresholds": {
            "mode": "absolute",
            "steps": [{"color": color, "value": value} for value, color in panel.thresholds],
        },
        "custom": panel.custom,
    }
    low, high = panel.minmax
    if low is not None:
        defaults["min"] = low
    if high is not None:
        defaults["max"] = high
    return {
        "id": panel_id,
        "type": panel.type,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"h": panel.h, "w": panel.w, "x": x, "y": y},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": panel.options,
        "targets": [_target(q, chr(ord("A") + i)) for i, q in enumerate(panel.queries)],
    }


def _layout(panels: list[Panel]) -> list[dict[str, Any]]:
    """Left to right, wrapping at Grafana's 24 columns."""
    out, x, y, row_h = [], 0, 0, 0
    for number, panel in enumerate(panels, start=1):
        if x + panel.w > 24:
            x, y, row_h = 0, y + row_h, 0
        out.append(_panel(panel, number, x, y))
        x += panel.w
        row_h = max(row_h, panel.h)
    return out


def _variable(name: str, label: str, query: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-query"},
        "refresh": 2,
        "includeAll": True,
        "multi": True,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
        "sort": 1,
    }


def _dashboard(uid: str, title: str, description: str, panels: list[Panel]) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["sentinel", "security", "llm"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "1m",
        "schemaVersion": SCHEMA_VERSION,
        "time": {"from": "now-7d", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "prometheus"},
                    "refresh": 1,
                },
                _variable("job", "Job", "label_values(promptsentinel_build_info, job)"),
                _variable(
                    "instance", "Instance", 'label_values(promptsentinel_build_info{job=~"$job"}, instance)'
                ),
            ]
        },
        "annotations": {"list": []},
        "links": [],
        "panels": _layout(panels),
    }


def _stat(title: str, description: str, expr: str, unit: str = "short", **kw: Any) -> Panel:
    options = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "colorMode": "value",
    }
    return Panel(
        "stat", title, description, [Query(expr, instant=True)], w=4, h=4, unit=unit, options=options, **kw
    )


def _series(title: str, description: str, queries: list[Query], unit: str = "short", w: int = 12) -> Panel:
    options = {
        "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
        "tooltip": {"mode": "multi"},
    }
    return Panel("timeseries", title, description, queries, w=w, h=8, unit=unit, options=options)


def overview(options: MonitoringOptions) -> dict[str, Any]:
    t = options.thresholds
    ratio = "percentunit"
    panels = [
        _stat(
            "Prompts scanned (last run)",
            "Prompts the last run scanned.",
            f"sum({sel('promptsentinel_batch_prompts')})",
        ),
        _stat(
            "Since last success",
            "Time since the last successful run was pushed.",
            f"time() - max({sel('promptsentinel_last_success_timestamp_seconds')})",
            "s",
            thresholds=[(None, "green"), (float(t.stale_after_seconds), "red")],
        ),
        _stat(
            "Error ratio (last run)",
            "Bad records / records handled.",
            f"max({sel('sentinel:request_error_ratio:last_run')})",
            ratio,
            thresholds=[(None, "green"), (t.error_ratio, "red")],
        ),
        _stat(
            "Cache hit ratio",
            "LLM cache lookups that found an entry (last run).",
            f"min({sel('sentinel:cache_hit_ratio:last_run')})",
            ratio,
            thresholds=[(None, "red"), (t.cache_hit_ratio, "green")],
        ),
        _stat(
            "LLM cost (last run)",
            "Estimated spend of the LLM judge.",
            f"sum({sel('promptsentinel_llm_cost_usd_total')})",
            "currencyUSD",
        ),
        _stat(
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
        _series(
            "Prompts per run",
            "Prompts scanned by each run, and its duration.",
            [
                Query(
                    f"sum by (job, instance) ({sel('promptsentinel_batch_prompts')})", "{{job}}/{{instance}}"
                ),
            ],
            w=8,
        ),
        _series(
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
        _series(
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
        _series(
            "Error ratio and errors",
            "Bad-record ratio and errors by type.",
            [
                Query(f"max({sel('sentinel:request_error_ratio:last_run')})", "bad-record ratio"),
                Query(f"sum by (type) ({sel('promptsentinel_errors_total')})", "{{type}}"),
            ],
        ),
        _series(
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
        _series(
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
        _series(
            "Budget and memory",
            "LLM budget used by period, and peak memory of each run.",
            [
                Query(
                    f"max by (period) ({sel('promptsentinel_budget_usage_percent')})", "{{period}} budget %"
                ),
                Query(f"max({sel('promptsentinel_memory_peak_bytes')}) / 1048576", "peak memory MiB"),
            ],
        ),
        _series(
            "Cache",
            "LLM cache hits, misses and entries (last run).",
            [
                Query(f"sum({sel('promptsentinel_cache_hits_total')})", "hits"),
                Query(f"sum({sel('promptsentinel_cache_misses_total')})", "misses"),
                Query(f"sum({sel('promptsentinel_cache_entries')})", "entries"),
            ],
        ),
    ]
    return _dashboard(
        "sentinel-overview",
        "sentinel: overview",
        "Batch runs of sentinel: volume, verdicts, errors, latency, cache, LLM usage and budget.",
        panels,
    )


def security(options: MonitoringOptions) -> dict[str, Any]:
    panels = [
        _stat(
            "Blocked (last run)",
            "Prompts blocked.",
            "sum(" + sel("promptsentinel_detections_total", 'verdict="block"') + ")",
        ),
        _stat(
            "Block ratio",
            "Blocked / scanned in the last run.",
            f"max({sel('sentinel:block_ratio:last_run')})",
            "percentunit",
            thresholds=[(None, "green"), (options.thresholds.threat_ratio, "red")],
        ),
        _stat(
            "PII and secrets",
            "Spans found in the last run.",
            f"sum({sel('promptsentinel_pii_detected_total')})",
        ),
        _stat(
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
        _series(
            "Threats by category over time",
            "Blocked prompts per category in each run.",
            [Query(f"sum by (category) ({sel('promptsentinel_threats_blocked_total')})", "{{category}}")],
        ),
        _series(
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
    return _dashboard(
        "sentinel-security",
        "sentinel: security",
        "What sentinel blocked: threats by category, PII by type, confidence, repeated attacks.",
        panels,
    )


DASHBOARDS_DIR = "/var/lib/grafana/dashboards/sentinel"


def dashboard_files(options: MonitoringOptions) -> dict[str, str]:
    return {
        "grafana/dashboards/sentinel-overview.json": json.dumps(overview(options), indent=2) + "\n",
        "grafana/dashboards/sentinel-security.json": json.dumps(security(options), indent=2) + "\n",
    }


def provisioning_files(options: MonitoringOptions) -> dict[str, str]:
    datasource = {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "uid": "prometheus",
                "type": "prometheus",
                "access": "proxy",
                "url": "http://prometheus:9090",
                "isDefault": True,
                "editable": False,
            }
        ],
    }
    dashboards = {
        "apiVersion": 1,
        "providers": [
            {
                "name": "sentinel",
                "folder": "sentinel",
                "type": "file",
                "disableDeletion": False,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": DASHBOARDS_DIR, "foldersFromFilesStructure": False},
            }
        ],
    }
    return {
        "grafana/provisioning/datasources/prometheus.yml": dump(
            datasource, "Grafana data source: the Prometheus of this stack."
        ),
        "grafana/provisioning/dashboards/sentinel.yml": dump(
            dashboards, f"Loads the dashboards mounted at {DASHBOARDS_DIR}."
        ),
    }
