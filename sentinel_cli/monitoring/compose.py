"""Docker Compose files for the stacks. Every bind mount is a generated file or directory
(relative to the output directory); data lives in named volumes."""

from __future__ import annotations

from sentinel_cli.monitoring.grafana import DASHBOARDS_DIR
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump

IMAGES = {
    "prometheus": "prom/prometheus:v3.5.0",
    "pushgateway": "prom/pushgateway:v1.11.1",
    "alertmanager": "prom/alertmanager:v0.28.1",
    "grafana": "grafana/grafana:12.1.0",
    "elasticsearch": "docker.elastic.co/elasticsearch/elasticsearch:8.15.3",
    "logstash": "docker.elastic.co/logstash/logstash:8.15.3",
    "kibana": "docker.elastic.co/kibana/kibana:8.15.3",
    "filebeat": "docker.elastic.co/beats/filebeat:8.15.3",
    "otel-collector": "otel/opentelemetry-collector-contrib:0.120.0",
    "jaeger": "jaegertracing/jaeger:2.5.0",
}
"""Pinned images: a generated stack should not change under you on the next pull."""

NETWORK = "sentinel-monitoring"


def _document(services: dict[str, object], volumes: list[str]) -> dict[str, object]:
    return {
        "name": "sentinel-monitoring",
        "services": services,
        "volumes": {name: {} for name in volumes},
        "networks": {NETWORK: {"name": NETWORK}},
    }


def metrics_compose(options: MonitoringOptions) -> str:
    services: dict[str, object] = {
        "prometheus": {
            "image": IMAGES["prometheus"],
            "command": [
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=30d",
                "--web.enable-lifecycle",
            ],
            "volumes": ["./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"],
            "ports": ["9090:9090"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "pushgateway": {
            "image": IMAGES["pushgateway"],
            # Persisted, so the last success timestamp survives a restart of the Pushgateway.
            "command": ["--persistence.file=/data/pushgateway.db", "--persistence.interval=1m"],
            "volumes": ["pushgateway-data:/data"],
            "ports": ["9091:9091"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "alertmanager": {
            "image": IMAGES["alertmanager"],
            "command": [
                "--config.file=/etc/alertmanager/alertmanager.yml",
                "--storage.path=/alertmanager",
            ],
            "volumes": ["./alertmanager:/etc/alertmanager:ro", "alertmanager-data:/alertmanager"],
            "ports": ["9093:9093"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "grafana": {
            "image": IMAGES["grafana"],
            "environment": {"GF_AUTH_ANONYMOUS_ENABLED": "false", "GF_USERS_ALLOW_SIGN_UP": "false"},
            "volumes": [
                "./grafana/provisioning:/etc/grafana/provisioning:ro",
                f"./grafana/dashboards:{DASHBOARDS_DIR}:ro",
                "grafana-data:/var/lib/grafana",
            ],
            "ports": ["3000:3000"],
            "depends_on": ["prometheus"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
    }
    header = (
        "Prometheus, Pushgateway, Alertmanager and Grafana for sentinel (sentinel gen-monitoring).\n"
        "docker compose -f docker-compose.monitoring.yml up -d"
    )
    return dump(
        _document(services, ["prometheus-data", "pushgateway-data", "alertmanager-data", "grafana-data"]),
        header,
    )
