"""Which metric names a PromQL expression reads: enough of the grammar to tell a metric from a
function, an aggregation, a keyword, a label list, a string, a duration or a number.

Used to prove that generated rules and dashboards only query series sentinel
registers (``telemetry.catalog``), recording rules define, or Prometheus and
the Pushgateway expose themselves.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<matchers>\{[^}]*\})
  | (?P<range>\[[^\]]*\])
  | (?P<number>(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)(?:ms|[smhdwy])*)
  | (?P<variable>\$\{?\w+\}?)
  | (?P<name>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<other>[^\s])
  | (?P<space>\s+)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"}
_AGGREGATIONS = {
    *("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values"),
    *("bottomk", "topk", "quantile", "limitk", "limit_ratio"),
}
"""Followed by ``by (...)`` rather than ``(`` when the grouping comes first."""
_LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}

EXTERNAL_SERIES = {
    "up": "Prometheus: 1 when the last scrape of a target succeeded",
    "push_time_seconds": "Pushgateway: last successful push of a group",
    "push_failure_time_seconds": "Pushgateway: last failed push of a group",
}
"""Series the rules use that Prometheus or the Pushgateway expose, not sentinel."""


def _tokens(expr: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(expr):
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            out.append((kind, match.group()))
    return out


def metric_names(expr: str) -> set[str]:
    """The metric (or recording rule) names ``expr`` selects."""
    tokens = _tokens(expr)
    names: set[str] = set()
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if kind == "name" and text.lower() in _LABEL_LISTS:
            if following == "open":  # skip the label list
                while index < len(tokens) and tokens[index][0] != "close":
                    index += 1
        elif kind == "name" and following != "open" and text.lower() not in _KEYWORDS | _AGGREGATIONS:
            names.add(text)
        index += 1
    return names


_LABEL_VALUES = re.compile(r"^\s*(?:label_values|query_result)\((.*)\)\s*$", re.DOTALL)


def grafana_query_names(query: str) -> set[str]:
    """Names in a Grafana Prometheus variable query (``label_values(metric{...}, label)``)."""
    match = _LABEL_VALUES.match(query)
    if match is None:
        return metric_names(query)
    inner = match.group(1)
    if query.lstrip().startswith("label_values"):
        inner = inner.rsplit(",", 1)[0] if "," in inner.split("}")[-1] else inner
    return metric_names(inner)
