"""Pushgateway and OTLP checks against real local servers and closed ports."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli.health.model import Status
from sentinel_cli.health.telemetry import OtlpCheck, PushgatewayCheck, otlp_endpoint
from tests.fake_llm_api import FakeLlmApi
from tests.fixtures.otlp import OtlpReceiver
from tests.fixtures.servers import PUSH_PASSWORD, PUSH_USER, Pushgateway, closed_port
from tests.health.helpers import check, context


def test_pushgateway_ready(pushgateway: Pushgateway, tmp_path: Path) -> None:
    result = check(PushgatewayCheck(), context(tmp_path, pushgateway_url=pushgateway.url))
    assert result.status is Status.HEALTHY
    assert result.outcome.message == f"{pushgateway.url}/-/ready ready (HTTP 200)"
    assert result.outcome.details == {"url": f"{pushgateway.url}/-/ready", "http_status": 200, "auth": "none"}


def test_pushgateway_on_a_closed_port(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = check(PushgatewayCheck(), context(tmp_path, pushgateway_url=url))
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message == f"{url}/-/ready: connection refused"
    assert "start the Pushgateway" in (result.outcome.remedy or "")


def test_pushgateway_with_tls_and_basic_auth(secure_pushgateway: Pushgateway, tmp_path: Path) -> None:
    url = secure_pushgateway.url
    cert = tmp_path / "cert.pem"
    good = {"pushgateway_url": url, "push_ca_file": cert, "push_username": PUSH_USER}
    ok = check(PushgatewayCheck(), context(tmp_path, push_password=PUSH_PASSWORD, **good))
    assert ok.status is Status.HEALTHY and ok.outcome.details["auth"] == "basic"
    wrong = check(PushgatewayCheck(), context(tmp_path, push_password="wrong", **good))
    assert wrong.status is Status.UNHEALTHY and "HTTP 401" in wrong.outcome.message
    assert "push_username" in (wrong.outcome.remedy or "") and "wrong" not in wrong.outcome.message
    untrusted = check(PushgatewayCheck(), context(tmp_path, pushgateway_url=url))
    assert untrusted.status is Status.UNHEALTHY and "TLS error" in untrusted.outcome.message
    assert "push_ca_file" in (untrusted.outcome.remedy or "")
    host = url.removeprefix("https://")
    in_url = context(
        tmp_path, pushgateway_url=f"https://{PUSH_USER}:{PUSH_PASSWORD}@{host}", push_ca_file=cert
    )
    result = check(PushgatewayCheck(), in_url)
    assert result.status is Status.HEALTHY and PUSH_PASSWORD not in str(result.to_dict())


def test_pushgateway_settings_problems_are_unhealthy(tmp_path: Path) -> None:
    missing_ca = context(tmp_path, pushgateway_url="http://127.0.0.1:9", push_ca_file=tmp_path / "nope.pem")
    result = check(PushgatewayCheck(), missing_ca)
    assert result.status is Status.UNHEALTHY and "no such file" in result.outcome.message
    bad_url = check(PushgatewayCheck(), context(tmp_path, pushgateway_url="ftp://example"))
    assert bad_url.status is Status.UNHEALTHY and "not an http(s) URL" in bad_url.outcome.message


def test_pushgateway_not_configured_is_skipped(tmp_path: Path) -> None:
    result = check(PushgatewayCheck(), context(tmp_path))
    assert result.outcome.skipped and "no pushgateway_url" in result.outcome.message


def test_otlp_receiver_accepts_an_empty_export(
    otlp_receiver: OtlpReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp_receiver.endpoint)
    result = check(OtlpCheck(), context(tmp_path, trace="otlp"))
    assert result.status is Status.HEALTHY, result.outcome.message
    assert result.outcome.details == {
        "endpoint": f"{otlp_receiver.endpoint}/v1/traces",
        "reachable": True,
        "accepted": True,
    }
    assert otlp_receiver.paths == ["/v1/traces"] and otlp_receiver.spans == []


def test_otlp_traces_endpoint_variable_wins(
    otlp_receiver: OtlpReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{otlp_receiver.endpoint}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")  # the traces one wins
    result = check(OtlpCheck(), context(tmp_path, trace="otlp"))
    assert result.status is Status.HEALTHY and otlp_receiver.paths == ["/v1/traces"]


def test_otlp_on_a_closed_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    endpoint = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
    result = check(OtlpCheck(), context(tmp_path, trace="otlp", timeout=2.0))
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message == f"cannot connect to {endpoint}/v1/traces: connection refused"
    assert result.duration_s < 2.0


def test_otlp_endpoint_that_is_not_a_receiver(
    fake_llm: FakeLlmApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", fake_llm.anthropic_url)  # answers 404 to /v1/traces
    result = check(OtlpCheck(), context(tmp_path, trace="otlp", timeout=3.0))
    assert result.status is Status.UNHEALTHY and result.outcome.details["reachable"] is True
    assert "refused a trace export" in result.outcome.message and "404" in result.outcome.message


def test_otlp_skipped_unless_tracing_over_otlp(tmp_path: Path) -> None:
    for trace in ("off", "console"):
        result = check(OtlpCheck(), context(tmp_path, trace=trace))
        assert result.outcome.skipped and f"trace = {trace}" in result.outcome.message


def test_otlp_endpoint_resolution_matches_the_exporter() -> None:
    assert otlp_endpoint({}) == "http://localhost:4318/v1/traces"
    assert otlp_endpoint({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318/"}) == "http://c:4318/v1/traces"
    traces = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t/x", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}
    assert otlp_endpoint(traces) == "http://t/x"
    exporter_module = pytest.importorskip("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    assert otlp_endpoint({}) == exporter_module.DEFAULT_ENDPOINT + exporter_module.DEFAULT_TRACES_EXPORT_PATH
