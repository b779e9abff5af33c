from __future__ import annotations

from sentinel_cli.llm.events import BudgetEvent, BudgetStatus, CacheStats, JudgeStats, LlmCallRecord
from sentinel_cli.llm.telemetry_bridge import TelemetryBridge
from sentinel_cli.telemetry import events as telemetry


class Target:
    def __init__(self) -> None:
        self.calls: list[telemetry.LlmCall] = []
        self.cache: list[telemetry.CacheStats] = []
        self.budgets: list[tuple[str, float]] = []

    def on_llm_call(self, call: telemetry.LlmCall) -> None:
        self.calls.append(call)

    def on_cache_stats(self, stats: telemetry.CacheStats) -> None:
        self.cache.append(stats)

    def on_budget(self, period: str, percent: float) -> None:
        self.budgets.append((period, percent))


def test_calls_cache_and_budgets_are_passed_on() -> None:
    target = Target()
    bridge = TelemetryBridge(target)
    bridge.on_call(LlmCallRecord("openai", "gpt-6-luna", "j", 0.0, 0.4, 10, 2, 0.001, error_type=None))
    bridge.on_call(LlmCallRecord("openai", "gpt-6-luna", "j", 0.0, 0.0, cached=True, saved_usd=0.001))
    bridge.on_call(
        LlmCallRecord("openai", "gpt-6-luna", "j", 0.0, 1.5, outcome="error", error_type="timeout")
    )
    assert [(c.cached, c.latency_s, c.error_type) for c in target.calls] == [
        (False, 0.4, None),
        (True, None, None),
        (False, 1.5, "timeout"),
    ]
    assert target.calls[0].input_tokens == 10 and target.calls[0].cost_usd == 0.001
    bridge.on_budget(BudgetEvent("warning", BudgetStatus("daily", 10.0, 8.5)))
    stats = JudgeStats(cache=CacheStats(3, 4, 1, 6, 4096), budgets=(BudgetStatus("monthly", 100.0, 5.0),))
    bridge.on_finish(stats)
    assert target.budgets == [("daily", 85.0), ("monthly", 5.0)]
    (cache,) = target.cache
    assert (cache.cache, cache.hits, cache.misses, cache.evictions, cache.entries, cache.size_bytes) == (
        "llm",
        3,
        4,
        1,
        6,
        4096.0,
    )


def test_no_cache_means_no_cache_figures() -> None:
    target = Target()
    TelemetryBridge(target).on_progress(JudgeStats(cache=None))
    assert target.cache == []
