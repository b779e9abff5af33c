"""The judge as a scan stage: local detection first, then the judge where the policy asks.

``JudgeStage`` wraps the pure ``Engine`` and offers the same ``scan_batch``, so
the runner does not know the judge exists. Each batch's judge calls run
concurrently (at most ``llm_concurrency`` in flight) on one event loop that
lives as long as the stage, so SDK connections are reused across batches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sentinel_cli.config import Settings
from sentinel_cli.engine import Engine
from sentinel_cli.errors import BudgetExceededError
from sentinel_cli.llm import policy
from sentinel_cli.llm.budget import BudgetGuard
from sentinel_cli.llm.events import CacheStats, JudgeStats, LlmEvents, LlmListener
from sentinel_cli.llm.judge import Judge, JudgeOutcome
from sentinel_cli.llm.ledger import Ledger, ledger_path
from sentinel_cli.llm.pricing import PriceTable
from sentinel_cli.llm.telemetry_bridge import TelemetryBridge
from sentinel_cli.model import Prompt, RuleInfo, ScanResult
from sentinel_cli.providers import factory
from sentinel_cli.providers.resilience import CircuitBreaker, RetryPolicy
from sentinel_cli.telemetry.events import current_listener

if TYPE_CHECKING:
    from sentinel_cli.llm.cache import JudgeCache

log = logging.getLogger("sentinel.run")


def _open_cache(settings: Settings, warn: Callable[[str], None]) -> JudgeCache:
    from sentinel_cli.llm.cache import JudgeCache  # diskcache only when the cache is used

    return JudgeCache(
        settings.cache_dir,
        ttl=settings.llm_cache_ttl,
        size_limit_bytes=settings.llm_cache_size_mb * 1024 * 1024,
        warn=warn,
    )


class JudgeStage:
    def __init__(self, engine: Engine, settings: Settings, listeners: Sequence[LlmListener] = ()) -> None:
        configs = factory.provider_configs(settings)  # a usage error before anything is opened
        self.engine = engine
        self.settings = settings
        self.events = LlmEvents(listeners)
        telemetry = current_listener()  # the run's metrics and traces, when telemetry is on
        if telemetry is not None:
            self.events.subscribe(TelemetryBridge(telemetry))
        self.ledger = Ledger(ledger_path(settings.data_dir), warn=self._warn)
        self.cache = _open_cache(settings, self._warn) if settings.llm_cache else None
        self.budget = BudgetGuard(
            {
                "hourly": settings.budget_hourly_usd,
                "daily": settings.budget_daily_usd,
                "monthly": settings.budget_monthly_usd,
            },
            self.ledger,
            self.events,
        )
        self.judge = Judge(
            [factory.LazyProvider(config) for config in configs],
            ledger=self.ledger,
            budget=self.budget,
            events=self.events,
            prices=PriceTable(settings.llm_prices),
            retry=RetryPolicy(settings.llm_retries, settings.llm_backoff, settings.llm_max_retry_after),
            breakers={
                c.name: CircuitBreaker(settings.llm_breaker_threshold, settings.llm_breaker_cooldown)
                for c in configs
            },
            cache=self.cache,
            job=settings.llm_job,
            timeout=settings.llm_timeout,
            budget_action=settings.budget_exceeded,
            max_input_chars=settings.llm_max_input_chars,
        )
        self._changed = 0
        self._runner = asyncio.Runner()
        self._stats: JudgeStats | None = None

    def _warn(self, message: str) -> None:
        """A store that had to be rebuilt or given up: on stderr and in the log."""
        log.warning(message, extra={"event": "llm.storage", "error_type": "storage"})
        self.events.warn(message)

    @staticmethod
    def rules() -> list[RuleInfo]:
        """Rules this stage can add to records (for SARIF rule metadata)."""
        return [policy.JUDGE_RULE]

    @property
    def failure(self) -> BudgetExceededError | None:
        """Set when a budget ran out under ``--budget-exceeded fail``; the run must exit 3."""
        return self.judge.failure

    def scan_batch(self, prompts: Sequence[Prompt]) -> list[ScanResult]:
        self._check_budget()
        return self.judge_batch(prompts, self.engine.scan_batch(prompts))

    def _check_budget(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self.settings.budget_exceeded == "fail":
            spent = self.budget.exceeded()
            if spent is not None:
                self.judge.failure = BudgetExceededError(spent.period, spent.spent_usd, spent.limit_usd)
                raise self.judge.failure

    def judge_batch(self, prompts: Sequence[Prompt], local: list[ScanResult]) -> list[ScanResult]:
        """The local results of ``prompts`` with the judge's answers combined where the policy
        asks (the local scan may have run in worker processes)."""
        self._check_budget()
        results = list(local)
        mode, band = self.settings.mode, self.settings.llm_band
        todo = [
            i for i, r in enumerate(results) if policy.needs_judge(self.settings.llm, r.score, mode, band)
        ]
        if todo:
            with self.engine.hooks.stage("llm"):
                outcomes = self._runner.run(self._judge_all([prompts[i].text for i in todo]))
            for index, (outcome, seconds) in zip(todo, outcomes, strict=True):
                results[index] = self._apply(prompts[index], results[index], outcome, seconds)
            self.events.progress(self._snapshot())
        return results

    async def _judge_all(self, texts: list[str]) -> list[tuple[JudgeOutcome, float]]:
        limit = asyncio.Semaphore(self.settings.llm_concurrency)

        async def one(text: str) -> tuple[JudgeOutcome, float]:
            async with limit:
                started = time.perf_counter()
                outcome = await self.judge.judge(text)
                return outcome, time.perf_counter() - started

        return await asyncio.gather(*(one(text) for text in texts))

    def _apply(self, prompt: Prompt, result: ScanResult, outcome: JudgeOutcome, seconds: float) -> ScanResult:
        judgement = replace(outcome.judgement, local_verdict=result.verdict.value, local_score=result.score)
        timed = replace(result, elapsed_ms=result.elapsed_ms + seconds * 1000.0)
        reply = outcome.reply
        if reply is None:
            return policy.attach(timed, judgement)
        evidence = None
        if reply.is_attack:
            # The same finding stages as every rule: fingerprint, inline suppression, baseline.
            found = [policy.judge_finding(reply, result.length)]
            for finding_stage in self.engine.options.stages:
                found = finding_stage(prompt, found)
            evidence = found[0] if found else None
        combined = policy.combine(timed, reply, judgement, self.settings.mode, evidence)
        if combined.verdict is not result.verdict:
            self._changed += 1
        return combined

    def _snapshot(self, cache: CacheStats | None = None) -> JudgeStats:
        """The run's totals so far (``cache``: final figures once the cache is closed)."""
        counters = self.judge.counters
        if cache is None and self.cache is not None:
            cache = self.cache.stats()
        return JudgeStats(
            judged=counters.judged,
            calls=counters.calls,
            cached=counters.cached,
            errors=counters.errors,
            skipped=counters.skipped,
            changed=self._changed,
            input_tokens=counters.input_tokens,
            output_tokens=counters.output_tokens,
            cost_usd=counters.cost_usd,
            cache=cache,
            budgets=tuple(self.budget.statuses()),
            unpriced_models=tuple(sorted(counters.unpriced_models)),
        )

    def close(self) -> JudgeStats:
        """Close clients, cache and ledger; tell the listeners the run's totals. Idempotent."""
        if self._stats is not None:
            return self._stats
        try:
            self._runner.run(self._close_providers())
        finally:
            self._runner.close()
        cache = self.cache.close() if self.cache is not None else None
        self._stats = self._snapshot(cache)
        self.ledger.close()
        self.events.finish(self._stats)
        return self._stats

    async def _close_providers(self) -> None:
        for provider in self.judge.providers:
            await provider.aclose()
