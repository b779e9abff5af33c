"""What the judge reports as it works: typed records for metrics, logs and the CLI.

Subscribe an ``LlmListener`` (override only what you need) through
``scan_service.execute(..., llm_listeners=[...])``. Every method is called on
the scanning thread, in order; listeners must be quick and must not raise.

* ``on_call``: one ``LlmCallRecord`` per API attempt (ok, malformed or error)
  and per cache hit (``cached=True``, zero tokens and cost).
* ``on_budget``: a ``BudgetEvent`` when a budget passes 80% and when it is spent.
* ``on_progress``: ``JudgeStats`` so far, after each batch the judge worked on
  (for live metrics in long pipelines).
* ``on_finish``: ``JudgeStats`` at the end of the run, with the cache counts
  (evictions are counted when the cache is closed) and the budget usage.

``sentinel_cli.llm.telemetry_bridge`` subscribes the run's telemetry
(``sentinel_cli.telemetry.events``) this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sentinel_cli.frozen import frozen

Outcome = Literal["ok", "malformed", "error"]
Period = Literal["hourly", "daily", "monthly"]


@frozen
class LlmCallRecord:
    provider: str
    model: str
    job: str
    timestamp: float
    """Unix time the call ended."""
    latency_s: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cached: bool = False
    saved_usd: float = 0.0
    """For a cache hit: what the cached answer cost when it was first bought."""
    outcome: Outcome = "ok"
    error_type: str | None = None
    """``rate_limit``, ``overloaded``, ``server``, ``timeout``, ``connection``, ``auth``,
    ``bad_request``, ``malformed`` or ``other``."""
    priced: bool = True
    """False when the model is missing from the price table (cost counted as 0)."""


@frozen
class BudgetStatus:
    period: Period
    limit_usd: float
    spent_usd: float

    @property
    def used_percent(self) -> float:
        return 100.0 * self.spent_usd / self.limit_usd if self.limit_usd > 0 else 100.0

    @property
    def state(self) -> Literal["ok", "warning", "exceeded"]:
        if self.spent_usd >= self.limit_usd:
            return "exceeded"
        return "warning" if self.used_percent >= 80.0 else "ok"


@frozen
class BudgetEvent:
    kind: Literal["warning", "exceeded"]
    status: BudgetStatus


@frozen
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    entries: int = 0
    volume_bytes: int = 0


@frozen
class JudgeStats:
    """Totals for one run."""

    judged: int = 0
    """Records the judge answered (from the API or the cache)."""
    calls: int = 0
    """API attempts, including failed ones."""
    cached: int = 0
    errors: int = 0
    """Records whose judgement ended in an error (the local verdict stood)."""
    skipped: int = 0
    changed: int = 0
    """Records whose verdict the judge changed."""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cache: CacheStats | None = None
    """``None`` when the cache is off (``--no-cache``)."""
    budgets: tuple[BudgetStatus, ...] = ()
    unpriced_models: tuple[str, ...] = ()
    """Models missing from the price table: their calls count as $0 towards budgets."""


class LlmListener:
    """Base class for subscribers; every method does nothing by default."""

    def on_call(self, record: LlmCallRecord) -> None:
        pass

    def on_budget(self, event: BudgetEvent) -> None:
        pass

    def on_progress(self, stats: JudgeStats) -> None:
        pass

    def on_finish(self, stats: JudgeStats) -> None:
        pass

    def on_warning(self, message: str) -> None:
        """Something people should know that did not stop the judge (a store rebuilt)."""


class LlmEvents:
    """Fans events out to the listeners."""

    def __init__(self, listeners: Sequence[LlmListener] = ()) -> None:
        self.listeners = list(listeners)

    def subscribe(self, listener: LlmListener) -> None:
        self.listeners.append(listener)

    def call(self, record: LlmCallRecord) -> None:
        for listener in self.listeners:
            listener.on_call(record)

    def budget(self, event: BudgetEvent) -> None:
        for listener in self.listeners:
            listener.on_budget(event)

    def progress(self, stats: JudgeStats) -> None:
        for listener in self.listeners:
            listener.on_progress(stats)

    def finish(self, stats: JudgeStats) -> None:
        for listener in self.listeners:
            listener.on_finish(stats)

    def warn(self, message: str) -> None:
        for listener in self.listeners:
            listener.on_warning(message)
