"""The trace stack: an OpenTelemetry Collector receiving OTLP (gRPC and HTTP) and exporting
over OTLP to Jaeger, which takes OTLP natively; and the environment sentinel needs to use it."""

from __future__ import annotations

from sentinel_cli.monitoring.compose import IMAGES, NETWORK
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump

COLLECTOR_CONFIG = "/etc/otelcol-contrib/config.yaml"


def collector_document() -> dict[str, object]:
    return {
        "receivers": {
            "otlp": {
                "protocols": {
                    "grpc": {"endpoint": "0.0.0.0:4317"},
                    "http": {"endpoint": "0.0.0.0:4318"},
                }
            }
        },
        "processors": {
            # Refuse data before running out of memory, then send in batches.
            "memory_limiter": {"check_interval": "1s", "limit_mib": 400, "spike_limit_mib": 100},
            "batch": {"timeout": "5s", "send_batch_size": 1024},
        },
        "exporters": {
            "otlp/jaeger": {"endpoint": "jaeger:4317", "tls": {"insecure": True}},
            "debug": {"verbosity": "basic"},
        },
        "extensions": {"health_check": {"endpoint": "0.0.0.0:13133"}},
        "service": {
            "extensions": ["health_check"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["memory_limiter", "batch"],
                    "exporters": ["otlp/jaeger", "debug"],
                }
            },
        },
    }


SENTINEL_ENV = {
    "SENTINEL_TRACE": "otlp",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4318",
    "OTEL_SERVICE_NAME": "sentinel",
}
"""What ``sentinel scan`` needs to send its spans to the collector (OTLP over HTTP)."""


def sentinel_env() -> str:
    lines = [
        "# Source before running sentinel (set -a; . tracing/sentinel.env; set +a), or pass --trace otlp.",
        "# sentinel sends OTLP over HTTP: it needs pip install 'sentinel-cli[otlp]'.",
        *(f"{name}={value}" for name, value in SENTINEL_ENV.items()),
    ]
    return "\n".join(lines) + "\n"


def tracing_compose(options: MonitoringOptions) -> str:
    services: dict[str, object] = {
        "otel-collector": {
            "image": IMAGES["otel-collector"],
            "command": [f"--config={COLLECTOR_CONFIG}"],
            "volumes": [f"./tracing/otel-collector-config.yaml:{COLLECTOR_CONFIG}:ro"],
            "ports": ["4317:4317", "4318:4318"],
            "depends_on": ["jaeger"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "jaeger": {
            # Jaeger 2 receives OTLP itself on 4317/4318 (reached only through the collector here).
            "image": IMAGES["jaeger"],
            "ports": ["16686:16686"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
    }
    document = {"name": "sentinel-monitoring", "services": services, "networks": {NETWORK: {"name": NETWORK}}}
    header = (
        "OpenTelemetry Collector and Jaeger for sentinel's traces (sentinel gen-monitoring).\n"
        "docker compose -f docker-compose.tracing.yml up -d; then see tracing/sentinel.env"
    )
    return dump(document, header)


def tracing_files(options: MonitoringOptions) -> dict[str, str]:
    header = "OpenTelemetry Collector: OTLP in (gRPC 4317, HTTP 4318), OTLP out to Jaeger."
    return {
        "tracing/otel-collector-config.yaml": dump(collector_document(), header),
        "tracing/sentinel.env": sentinel_env(),
        "docker-compose.tracing.yml": tracing_compose(options),
    }
