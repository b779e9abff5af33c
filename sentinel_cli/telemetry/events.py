"""How the LLM layer reports calls, cache statistics and budget use to the run's telemetry.

Cheap to import (no Prometheus, no OpenTelemetry). The judge does::

    from sentinel_cli.telemetry.events import LlmCall, current_listener

    listener = current_listener()          # None when telemetry is off
    if listener is not None:
        listener.on_llm_call(LlmCall(provider="anthropic", model="...", input_tokens=...))

The listener is held in a context variable set for the duration of a run. Worker
threads do not inherit it: read ``current_listener()`` in the thread that starts
them and pass it along (listeners are thread-safe).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Protocol

from sentinel_cli.frozen import frozen


@frozen
class LlmCall:
    """One judge call as it happened."""

    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float | None = None
    cached: bool = False
    """Answered from the cache: no provider was called (not counted as a request)."""
    error_type: str | None = None
    """A short, bounded error class (timeout, rate_limit, auth, server, connection, invalid_response)."""


@frozen
class CacheStats:
    """Cache totals for this run so far (not since the cache was created)."""

    cache: str = "llm"
    hits: int | None = None
    misses: int | None = None
    evictions: int | None = None
    size_bytes: float | None = None
    entries: int | None = None


class LlmListener(Protocol):
    def on_llm_call(self, call: LlmCall) -> None: ...

    def on_cache_stats(self, stats: CacheStats) -> None: ...

    def on_budget(self, period: str, percent: float) -> None: ...


_listener: ContextVar[LlmListener | None] = ContextVar("sentinel_llm_listener", default=None)


def current_listener() -> LlmListener | None:
    return _listener.get()


def set_listener(listener: LlmListener | None) -> Token[LlmListener | None]:
    return _listener.set(listener)


def reset_listener(token: Token[LlmListener | None]) -> None:
    _listener.reset(token)


@contextmanager
def listening(listener: LlmListener) -> Iterator[LlmListener]:
    """Make ``listener`` the current one while the block runs."""
    token = _listener.set(listener)
    try:
        yield listener
    finally:
        _listener.reset(token)
