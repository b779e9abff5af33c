"""``prometheus.yml``: the Pushgateway (``honor_labels``), Prometheus itself, optional node
exporters and long-running ``sentinel scan --metrics-port`` targets, rules and Alertmanager."""

from __future__ import annotations

from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump

RULES_DIR = "alerts"


def prometheus_document(options: MonitoringOptions) -> dict[str, object]:
    scrape: list[dict[str, object]] = [
        {"job_name": "prometheus", "static_configs": [{"targets": [options.prometheus]}]},
        {
            # Keep the job and instance labels sentinel pushed, not the Pushgateway's own.
            "job_name": "pushgateway",
            "honor_labels": True,
            "static_configs": [{"targets": [options.pushgateway]}],
        },
    ]
    if options.node_exporters:
        scrape.append({"job_name": "node", "static_configs": [{"targets": list(options.node_exporters)}]})
    if options.scrape_targets:
        scrape.append(
            {
                "job_name": f"{options.job}-live",
                "static_configs": [{"targets": list(options.scrape_targets)}],
            }
        )
    return {
        "global": {
            "scrape_interval": options.scrape_interval,
            "evaluation_interval": options.evaluation_interval,
            "external_labels": {"monitor": "sentinel"},
        },
        "rule_files": [f"{RULES_DIR}/*.yml"],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [options.alertmanager]}]}]},
        "scrape_configs": scrape,
    }


def prometheus_file(options: MonitoringOptions) -> str:
    header = (
        "Prometheus configuration for sentinel (sentinel gen-monitoring).\n"
        "Batch runs push to the Pushgateway (sentinel scan --push http://PUSHGATEWAY:9091);\n"
        "honor_labels keeps the job and instance they pushed."
    )
    return dump(prometheus_document(options), header)
