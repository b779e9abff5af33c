"""``run_observed``: the order of end-of-run steps, failures, and the LLM layer's listener."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sentinel_cli.config import load_settings
from sentinel_cli.engine import EngineHooks
from sentinel_cli.runner import Observer, RunSummary
from sentinel_cli.telemetry import wanted
from sentinel_cli.telemetry.events import CacheStats, LlmCall, current_listener
from sentinel_cli.telemetry.session import run_observed


def values(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(path.read_text())
        for s in family.samples
    }


def test_nothing_is_wanted_by_default() -> None:
    assert not wanted(load_settings(discover=False))
    assert wanted(load_settings(discover=False, audit_log=Path("a")))
    assert wanted(load_settings(discover=False, trace="console"))


def test_the_llm_layer_reports_through_the_current_listener(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics_file = tmp_path / "m.prom"
    settings = load_settings(discover=False, metrics_file=metrics_file, trace="console")

    def run(observers: Sequence[Observer], hooks: EngineHooks | None) -> RunSummary:
        listener = current_listener()
        assert listener is not None and hooks is not None
        with hooks.stage("llm"):
            listener.on_llm_call(
                LlmCall("anthropic", "claude-x", input_tokens=10, output_tokens=2, latency_s=0.2)
            )
            listener.on_llm_call(LlmCall("anthropic", "claude-x", cached=True))
        listener.on_cache_stats(CacheStats(hits=1, misses=1, entries=1))
        listener.on_budget("day", 12.5)
        return RunSummary(scanned=1, elapsed_s=0.5)

    summary, failure = run_observed(settings, run)
    assert failure is None and summary.scanned == 1 and current_listener() is None
    got = values(metrics_file)
    provider, model = ("provider", "anthropic"), ("model", "claude-x")
    assert got[("promptsentinel_llm_requests_total", (model, provider))] == 1
    assert got[("promptsentinel_llm_tokens_total", (("direction", "input"), model, provider))] == 10
    assert got[("promptsentinel_cache_hits_total", (("cache", "llm"),))] == 1
    assert got[("promptsentinel_budget_usage_percent", (("period", "day"),))] == 12.5
    assert got[("promptsentinel_stage_duration_seconds_count", (("stage", "llm"),))] == 1
    assert got[("promptsentinel_last_success_timestamp_seconds", ())] > 0
    err = capsys.readouterr().err
    assert '"name": "chat claude-x"' in err and '"gen_ai.usage.input_tokens": 10' in err


def test_a_run_that_raises_is_recorded_as_a_failure(tmp_path: Path) -> None:
    metrics_file, audit = tmp_path / "m.prom", tmp_path / "audit.jsonl"
    settings = load_settings(discover=False, metrics_file=metrics_file, audit_log=audit, log_format="json")

    def run(observers: Sequence[Observer], hooks: EngineHooks | None) -> RunSummary:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        run_observed(settings, run)
    got = values(metrics_file)
    assert got[("promptsentinel_errors_total", (("type", "io"),))] == 1
    assert got[("promptsentinel_last_failure_timestamp_seconds", ())] > 0
    assert ("promptsentinel_last_success_timestamp_seconds", ()) not in got
    assert current_listener() is None


def test_bad_settings_fail_before_the_run_starts(tmp_path: Path) -> None:
    settings = load_settings(
        discover=False, pushgateway_url="http://127.0.0.1:9", metrics_file=tmp_path / "x" / "m"
    )
    ran: list[bool] = []

    def run(observers: Sequence[Observer], hooks: EngineHooks | None) -> RunSummary:
        ran.append(True)
        return RunSummary()

    with pytest.raises(Exception, match="does not exist"):
        run_observed(settings, run)
    assert ran == []


def test_push_warning_goes_through_notify(tmp_path: Path) -> None:
    settings = load_settings(discover=False, pushgateway_url="http://127.0.0.1:1", push_retries=0)
    notes: list[tuple[str, str]] = []

    def run(observers: Sequence[Observer], hooks: EngineHooks | None) -> RunSummary:
        return RunSummary(scanned=2)

    _, failure = run_observed(settings, run, notify=lambda kind, message: notes.append((kind, message)))
    assert failure is None
    assert notes and notes[0][0] == "warning" and "connection refused" in notes[0][1]
    required = load_settings(
        discover=False, pushgateway_url="http://127.0.0.1:1", push_retries=0, push_required=True
    )
    _, failure = run_observed(required, run)
    assert failure is not None and failure.exit_code == 3
    assert "\n" not in str(failure) and "--push-required" in str(failure)
