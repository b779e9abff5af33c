from __future__ import annotations

import pytest

from sentinel_cli.monitoring.promql import grafana_query_names, metric_names


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", {"up"}),
        ('time() - max by (job, instance) (a_seconds{job="x"}) > 5', {"a_seconds"}),
        ("sum(rate(b_total[5m])) by (job) / on (job) group_left (x, y) c", {"b_total", "c"}),
        ('histogram_quantile(0.95, sum by (le) (d_bucket{le!="+Inf"}))', {"d_bucket"}),
        ("e offset 5m and f or g unless h", {"e", "f", "g", "h"}),
        ('label_replace(i, "dst", "$1", "src", "(.*)") > bool 1e3', {"i"}),
        ('sentinel:block_ratio:last_run{job=~"$job"}[$__rate_interval]', {"sentinel:block_ratio:last_run"}),
        ('absent(j{a="b"}) * 0x10', {"j"}),
        ("topk by (k) (3, l)", {"l"}),
    ],
)
def test_metric_names(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_grafana_variable_queries() -> None:
    assert grafana_query_names('label_values(m{job=~"$job"}, instance)') == {"m"}
    assert grafana_query_names("label_values(m, job)") == {"m"}
