"""The tracing stack: a consistent collector config, compose files that mount what was generated,
and a scan's spans through a real OTLP collector (rotel) with the generated sentinel settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.tracing_stack import SENTINEL_ENV, collector_document, tracing_files
from tests.fixtures.otlp import OtlpReceiver
from tests.fixtures.servers import free_port, wait_until
from tests.helpers import SAMPLES, cli_env, run_cli

KINDS = ("receivers", "processors", "exporters")


def test_collector_pipelines_name_only_defined_components() -> None:
    config = yaml.safe_load(tracing_files(MonitoringOptions())["tracing/otel-collector-config.yaml"])
    assert config == collector_document()
    for name, pipeline in config["service"]["pipelines"].items():
        for kind in KINDS:
            assert pipeline[kind], (name, kind)
            assert set(pipeline[kind]) <= set(config[kind]), (name, kind, pipeline[kind])
    used = {c for p in config["service"]["pipelines"].values() for kind in KINDS for c in p[kind]}
    assert used == {c for kind in KINDS for c in config[kind]}  # nothing defined and left unused
    assert set(config["service"]["extensions"]) <= set(config["extensions"])
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"].endswith(":4317") and protocols["http"]["endpoint"].endswith(":4318")
    jaeger = config["exporters"]["otlp/jaeger"]
    assert jaeger["endpoint"] == "jaeger:4317"  # Jaeger takes OTLP directly


def test_broken_pipelines_would_be_caught() -> None:
    config = collector_document()
    pipeline = config["service"]["pipelines"]["traces"]  # type: ignore[index]
    pipeline["exporters"] = ["otlp/zipkin"]
    assert not set(pipeline["exporters"]) <= set(config["exporters"])  # type: ignore[arg-type]


def test_compose_runs_the_collector_with_the_generated_config_and_jaeger() -> None:
    files = tracing_files(MonitoringOptions())
    compose = yaml.safe_load(files["docker-compose.tracing.yml"])
    collector = compose["services"]["otel-collector"]
    source, target = collector["volumes"][0].split(":")[:2]
    assert source.removeprefix("./") in files
    assert collector["command"] == [f"--config={target}"]
    assert {"4317:4317", "4318:4318"} <= set(collector["ports"])
    assert compose["services"]["jaeger"]["image"].startswith("jaegertracing/jaeger:2.")
    env = dict(
        line.split("=", 1) for line in files["tracing/sentinel.env"].splitlines() if line and line[0] != "#"
    )
    assert env == SENTINEL_ENV
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"].endswith(":4318")  # sentinel speaks OTLP/HTTP


def _rotel_binary() -> Path:
    try:
        import rotel
    except ImportError:
        pytest.skip("rotel is not installed (pip install '.[test]' on Linux x86_64)")
    binary = Path(rotel.__file__).parent / "rotel-agent"
    if not binary.is_file():
        pytest.skip(f"rotel has no agent binary at {binary}")
    return binary


def test_a_scans_spans_pass_through_a_real_collector(tmp_path: Path, otlp_receiver: OtlpReceiver) -> None:
    """sentinel -> rotel (an OTLP collector, in the place of the generated one) -> an OTLP endpoint
    (in the place of Jaeger), with the environment tracing/sentinel.env sets."""
    binary = _rotel_binary()
    http_port, grpc_port = free_port(), free_port()
    log = tmp_path / "rotel.log"
    agent = subprocess.Popen(
        [
            str(binary), "start",
            "--otlp-http-endpoint", f"127.0.0.1:{http_port}",
            "--otlp-grpc-endpoint", f"127.0.0.1:{grpc_port}",
            "--exporter", "otlp",
            "--otlp-exporter-endpoint", otlp_receiver.endpoint,
            "--otlp-exporter-protocol", "http",
            "--batch-timeout", "100ms",
            "--pid-file", str(tmp_path / "rotel.pid"),
            "--log-file", str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        import socket

        def listening() -> bool:
            assert agent.poll() is None, log.read_text() if log.exists() else "rotel exited"
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_until(listening, 30, "rotel listening")
        env = cli_env(**{**SENTINEL_ENV, "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{http_port}"})
        done = run_cli("scan", str(SAMPLES / "prompts.jsonl"), "--fail-on", "never", env=env)
        assert done.returncode == 0, done.stderr
        wait_until(lambda: bool(otlp_receiver.named("sentinel.run")), 30, "the run span through rotel")
    finally:
        agent.terminate()
        agent.wait(timeout=15)
    run = otlp_receiver.named("sentinel.run")[0]
    assert run.resource["service.name"] == "sentinel"
    assert run.attributes["sentinel.prompts"] == 12
    batches = otlp_receiver.named("sentinel.batch")
    assert batches and all(b.parent_id == run.span_id and b.trace_id == run.trace_id for b in batches)
