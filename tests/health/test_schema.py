"""The JSON report is an interface: these tests fail when a key is added, renamed or dropped.

Adding a key is allowed only with a README update and a deliberate change here
(and a new schema version when a key goes away or changes meaning).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sentinel_cli.health import service
from sentinel_cli.health.model import SCHEMA
from sentinel_cli.health.schema import REPORT_SCHEMA
from sentinel_cli.llm.ledger import Ledger, ledger_path
from tests.fake_llm_api import FakeLlmApi
from tests.fixtures.otlp import OtlpReceiver
from tests.fixtures.servers import Pushgateway
from tests.llm.test_ledger import call

REPORT_KEYS = [
    "schema",
    "status",
    "probe",
    "timestamp",
    "duration_ms",
    "timeout_s",
    "version",
    "counts",
    "checks",
]
COUNT_KEYS = ["healthy", "degraded", "unhealthy", "skipped"]
CHECK_KEYS = ["name", "status", "skipped", "duration_ms", "message", "remedy", "details"]
DETAILS_KEYS: dict[str, list[str]] = {
    "config": ["file", "sentinel_version", "python"],
    "detectors": ["detectors"],
    "cache": ["path", "exists", "writable", "size_bytes", "free_bytes", "llm_cache"],
    "data": ["path", "exists", "writable", "ledger", "ledger_rows", "ledger_bytes", "last_call"],
    "memory": ["available_bytes", "total_bytes", "limit_bytes", "source"],
    "llm.anthropic": ["base_url", "model", "models_listed", "model_listed", "http_status", "error"],
    "llm.openai": ["base_url", "model", "models_listed", "model_listed", "http_status", "error"],
    "pushgateway": ["url", "http_status", "auth"],
    "otlp": ["endpoint", "reachable", "accepted"],
    "budget": ["budgets", "on_exceeded"],
}
DETECTOR_KEYS = ["id", "version", "rules", "load_ms", "error"]
BUDGET_KEYS = ["period", "limit_usd", "spent_usd", "used_percent", "state"]


@pytest.fixture
def everything_configured(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pushgateway: Pushgateway,
    fake_llm: FakeLlmApi,
    otlp_receiver: OtlpReceiver,
) -> Path:
    """A sentinel.toml that turns on every feature a check looks at, against real local servers."""
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp_receiver.endpoint)
    data = tmp_path / "data"
    ledger = Ledger(ledger_path(data))
    ledger.record(call(time.time(), 1.0))
    ledger.close()
    config = tmp_path / "sentinel.toml"
    config.write_text(
        f"""
llm = "uncertain"
cache_dir = "{tmp_path / "cache"}"
data_dir = "{data}"
anthropic_api_key = "key-a"
anthropic_base_url = "{fake_llm.anthropic_url}"
openai_api_key = "key-o"
openai_base_url = "{fake_llm.openai_url}"
pushgateway_url = "{pushgateway.url}"
trace = "otlp"
budget_daily_usd = 10.0
"""
    )
    return config


def test_every_key_of_a_full_report(everything_configured: Path) -> None:
    report = service.run(config_file=everything_configured, timeout=10.0).to_dict()
    jsonschema.validate(report, REPORT_SCHEMA)
    assert list(report) == REPORT_KEYS and report["schema"] == SCHEMA == "sentinel.health/1"
    assert list(report["counts"]) == COUNT_KEYS
    assert [c["name"] for c in report["checks"]] == list(DETAILS_KEYS)
    for entry in report["checks"]:
        assert list(entry) == CHECK_KEYS
        assert sorted(entry["details"]) == sorted(DETAILS_KEYS[entry["name"]]), entry["name"]
        assert not entry["skipped"], entry
    by_name = {c["name"]: c for c in report["checks"]}
    assert all(sorted(d) == sorted(DETECTOR_KEYS) for d in by_name["detectors"]["details"]["detectors"])
    assert all(sorted(b) == sorted(BUDGET_KEYS) for b in by_name["budget"]["details"]["budgets"])
    assert report["status"] == "healthy", [c for c in report["checks"] if c["status"] != "healthy"]


def test_schema_declares_exactly_these_keys() -> None:
    assert list(REPORT_SCHEMA["properties"]) == REPORT_KEYS == REPORT_SCHEMA["required"]
    check_schema: dict[str, Any] = REPORT_SCHEMA["properties"]["checks"]["items"]
    assert list(check_schema["properties"]) == CHECK_KEYS == check_schema["required"]
    assert list(REPORT_SCHEMA["properties"]["counts"]["properties"]) == COUNT_KEYS


def test_an_unknown_key_fails_validation() -> None:
    report = {
        "schema": SCHEMA,
        "status": "healthy",
        "probe": "all",
        "timestamp": "2026-11-26T00:00:00.000Z",
        "duration_ms": 1.0,
        "timeout_s": 5.0,
        "version": "0",
        "counts": dict.fromkeys(COUNT_KEYS, 0),
        "checks": [],
    }
    jsonschema.validate(report, REPORT_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**report, "extra": 1}, REPORT_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**report, "status": "ok"}, REPORT_SCHEMA)
