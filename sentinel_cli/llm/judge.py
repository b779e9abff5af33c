"""The judge: one prompt in, one ``LlmJudgement`` (and the validated answer) out.

Order of business for each prompt: the cache (every configured provider's key,
so an answer bought from the fallback provider is reused too); the budgets;
then the providers in failover order, skipping any whose circuit is open. Each
provider gets ``retries`` retries on retryable errors, waiting as its
``Retry-After`` says or with exponential backoff; a malformed answer is asked
again once and then recorded as an error (no failover: the API worked). Every
API attempt and cache hit is written to the ledger and sent to the listeners.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sentinel_cli.errors import BudgetExceededError
from sentinel_cli.frozen import frozen
from sentinel_cli.llm import prompt
from sentinel_cli.llm.budget import BudgetGuard
from sentinel_cli.llm.events import LlmCallRecord, LlmEvents, Outcome
from sentinel_cli.llm.ledger import Ledger
from sentinel_cli.llm.pricing import PriceTable
from sentinel_cli.llm.prompt import JudgeReply, MalformedReply, text_digest
from sentinel_cli.model import LlmJudgement
from sentinel_cli.providers.interface import Completion, Provider, ProviderError
from sentinel_cli.providers.resilience import CircuitBreaker, RetryPolicy

if TYPE_CHECKING:
    from sentinel_cli.llm.cache import JudgeCache

ESTIMATED_OUTPUT_TOKENS = 80
"""A judge answer is a short JSON object."""


@frozen
class JudgeOutcome:
    judgement: LlmJudgement
    reply: JudgeReply | None = None


@dataclass(slots=True)
class Counters:
    judged: int = 0
    calls: int = 0
    cached: int = 0
    errors: int = 0
    skipped: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_models: set[str] = field(default_factory=set)


class Judge:
    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        ledger: Ledger,
        budget: BudgetGuard,
        events: LlmEvents,
        prices: PriceTable,
        retry: RetryPolicy,
        breakers: dict[str, CircuitBreaker],
        cache: JudgeCache | None,
        job: str,
        timeout: float,
        budget_action: str = "skip",
        max_input_chars: int = 32_000,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.providers = list(providers)
        self.ledger = ledger
        self.budget = budget
        self.events = events
        self.prices = prices
        self.retry = retry
        self.breakers = breakers
        self.cache = cache
        self.job = job
        self.timeout = timeout
        self.budget_action = budget_action
        self.max_input_chars = max_input_chars
        self._sleep = sleep
        self.counters = Counters()
        self.failure: BudgetExceededError | None = None

    async def judge(self, text: str) -> JudgeOutcome:
        sent = text[: self.max_input_chars]
        digest = text_digest(sent)
        hit = self._from_cache(digest)
        if hit is not None:
            return hit
        spent = self.budget.exceeded()
        if spent is not None:
            if self.budget_action == "fail" and self.failure is None:
                self.failure = BudgetExceededError(spent.period, spent.spent_usd, spent.limit_usd)
            return self._skipped("budget")
        estimate = self._estimate(sent)
        self.budget.reserve(estimate)
        try:
            return await self._ask_providers(sent, digest)
        finally:
            self.budget.release(estimate)

    def _estimate(self, text: str) -> float:
        """A cautious guess of one call's cost (about 3 characters a token) for budget reservations."""
        if not self.budget.active or not self.providers:
            return 0.0
        tokens_in = (len(prompt.SYSTEM) + len(text) + 200) // 3
        cost = self.prices.cost(self.providers[0].model, tokens_in, ESTIMATED_OUTPUT_TOKENS)
        return cost or 0.0

    async def _ask_providers(self, sent: str, digest: str) -> JudgeOutcome:
        errors: list[str] = []
        tried = False
        for provider in self.providers:
            if not self.breakers[provider.name].allow():
                errors.append(f"{provider.name}: circuit open")
                continue
            tried = True
            try:
                reply, cost = await self._ask(provider, sent)
            except ProviderError as exc:
                errors.append(str(exc))
                continue
            except MalformedReply as exc:
                return self._error(provider, f"{provider.name}: malformed answer: {exc}")
            if self.cache is not None:
                self.cache.put(provider.name, provider.model, digest, reply, cost)
            self.counters.judged += 1
            return JudgeOutcome(self._judgement(provider, reply, cached=False), reply)
        if not tried:
            return self._skipped("circuit_open")
        return self._error(None, "; ".join(errors))

    def _from_cache(self, digest: str) -> JudgeOutcome | None:
        if self.cache is None:
            return None
        for provider in self.providers:
            found = self.cache.get(provider.name, provider.model, digest)
            if found is None:
                continue
            self.cache.hits += 1
            self.counters.cached += 1
            self.counters.judged += 1
            self._record(
                LlmCallRecord(
                    provider=provider.name,
                    model=provider.model,
                    job=self.job,
                    timestamp=time.time(),
                    latency_s=0.0,
                    cached=True,
                    saved_usd=found.cost_usd,
                )
            )
            return JudgeOutcome(self._judgement(provider, found.reply, cached=True), found.reply)
        self.cache.misses += 1
        return None

    async def _ask(self, provider: Provider, text: str) -> tuple[JudgeReply, float]:
        """A valid answer and what it cost (a malformed first answer is asked again once)."""
        total = 0.0
        for attempt in (1, 2):
            completion, latency = await self._call(provider, text)
            try:
                reply = prompt.parse_reply(completion.text)
            except MalformedReply:
                total += self._record_completion(provider, completion, latency, "malformed")
                if attempt == 2:
                    raise
                continue
            total += self._record_completion(provider, completion, latency, "ok")
            return reply, total
        raise AssertionError("unreachable")

    async def _call(self, provider: Provider, text: str) -> tuple[Completion, float]:
        """One successful completion, retrying retryable errors. Raises the last ``ProviderError``."""
        breaker = self.breakers[provider.name]
        provider.prepare()
        attempt = 0
        while True:
            system, user = prompt.build(text)
            started = time.perf_counter()
            try:
                completion = await asyncio.wait_for(provider.complete(system, user), self.timeout)
            except ProviderError as exc:
                error = exc
            except TimeoutError:
                error = ProviderError("timeout", f"{provider.name}: timed out")
            else:
                breaker.success()
                return completion, time.perf_counter() - started
            self._record_error(provider, error, time.perf_counter() - started)
            if error.kind != "bad_request":
                breaker.failure()
            attempt += 1
            delay = self.retry.delay(attempt, error)
            if delay is None or breaker.is_open:
                raise error
            await self._sleep(delay)

    def _record_completion(
        self, provider: Provider, completion: Completion, latency: float, outcome: Outcome
    ) -> float:
        cost = self.prices.cost(provider.model, completion.input_tokens, completion.output_tokens)
        if cost is None:
            self.counters.unpriced_models.add(provider.model)
        self._record(
            LlmCallRecord(
                provider=provider.name,
                model=provider.model,
                job=self.job,
                timestamp=time.time(),
                latency_s=latency,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                cost_usd=cost or 0.0,
                outcome=outcome,
                error_type="malformed" if outcome == "malformed" else None,
                priced=cost is not None,
            )
        )
        return cost or 0.0

    def _record_error(self, provider: Provider, error: ProviderError, latency: float) -> None:
        self._record(
            LlmCallRecord(
                provider=provider.name,
                model=provider.model,
                job=self.job,
                timestamp=time.time(),
                latency_s=latency,
                outcome="error",
                error_type=error.kind,
            )
        )

    def _record(self, record: LlmCallRecord) -> None:
        self.ledger.record(record)
        if not record.cached:
            self.counters.calls += 1
            self.counters.input_tokens += record.input_tokens
            self.counters.output_tokens += record.output_tokens
            self.counters.cost_usd += record.cost_usd
            self.budget.add(record.cost_usd)
        self.events.call(record)

    @staticmethod
    def _judgement(provider: Provider, reply: JudgeReply, *, cached: bool) -> LlmJudgement:
        return LlmJudgement(
            provider=provider.name,
            model=provider.model,
            label=reply.label,
            category=reply.threat_category if reply.is_attack else "benign",
            confidence=reply.confidence,
            cached=cached,
            reason=reply.reason or None,
        )

    def _error(self, provider: Provider | None, message: str) -> JudgeOutcome:
        self.counters.errors += 1
        return JudgeOutcome(
            LlmJudgement(
                provider=provider.name if provider else None,
                model=provider.model if provider else None,
                label=None,
                category=None,
                confidence=None,
                error=message,
            )
        )

    def _skipped(self, why: str) -> JudgeOutcome:
        self.counters.skipped += 1
        return JudgeOutcome(
            LlmJudgement(provider=None, model=None, label=None, category=None, confidence=None, skipped=why)
        )
