"""Feeds the judge's events into the run's telemetry (``sentinel_cli.telemetry.events``).

Metrics and traces then get ``promptsentinel_llm_*`` requests, tokens, errors,
latency and cost per API attempt, the cache's hits, misses, evictions and size,
and ``promptsentinel_budget_usage_percent`` per period. Cache hits are passed
on as cached calls (telemetry does not count them as requests).
"""

from __future__ import annotations

from sentinel_cli.llm.events import BudgetEvent, JudgeStats, LlmCallRecord, LlmListener
from sentinel_cli.telemetry.events import CacheStats, LlmCall
from sentinel_cli.telemetry.events import LlmListener as TelemetryListener

CACHE_LABEL = "llm"


class TelemetryBridge(LlmListener):
    def __init__(self, target: TelemetryListener) -> None:
        self.target = target

    def on_call(self, record: LlmCallRecord) -> None:
        self.target.on_llm_call(
            LlmCall(
                provider=record.provider,
                model=record.model,
                input_tokens=record.input_tokens,
                output_tokens=record.output_tokens,
                cost_usd=record.cost_usd,
                latency_s=None if record.cached else record.latency_s,
                cached=record.cached,
                error_type=record.error_type,
            )
        )

    def on_budget(self, event: BudgetEvent) -> None:
        self.target.on_budget(event.status.period, event.status.used_percent)

    def on_progress(self, stats: JudgeStats) -> None:
        cache = stats.cache
        if cache is not None:
            self.target.on_cache_stats(
                CacheStats(
                    cache=CACHE_LABEL,
                    hits=cache.hits,
                    misses=cache.misses,
                    evictions=cache.evictions,
                    size_bytes=float(cache.volume_bytes),
                    entries=cache.entries,
                )
            )
        for budget in stats.budgets:
            self.target.on_budget(budget.period, budget.used_percent)

    def on_finish(self, stats: JudgeStats) -> None:
        self.on_progress(stats)
