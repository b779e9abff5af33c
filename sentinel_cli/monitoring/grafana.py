"""Grafana building blocks (panels, queries, variables, layout) and the provisioning files.

Panels use current types only (timeseries, stat, piechart, barchart, heatmap);
every query goes through the ``datasource`` variable and the ``job`` and
``instance`` variables, so one dashboard serves every pushed group.
"""

from __future__ import annotations

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


def dashboard(uid: str, title: str, description: str, panels: list[Panel]) -> dict[str, Any]:
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


def stat(title: str, description: str, expr: str, unit: str = "short", **kw: Any) -> Panel:
    options = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "colorMode": "value",
    }
    return Panel(
        "stat", title, description, [Query(expr, instant=True)], w=4, h=4, unit=unit, options=options, **kw
    )


def series(title: str, description: str, queries: list[Query], unit: str = "short", w: int = 12) -> Panel:
    options = {
        "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
        "tooltip": {"mode": "multi"},
    }
    return Panel("timeseries", title, description, queries, w=w, h=8, unit=unit, options=options)


DASHBOARDS_DIR = "/var/lib/grafana/dashboards/sentinel"


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
