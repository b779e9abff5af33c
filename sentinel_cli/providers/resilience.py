"""Retries with exponential backoff that honour Retry-After, and a per-provider circuit breaker."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sentinel_cli.frozen import frozen
from sentinel_cli.providers.interface import ProviderError

BACKOFF_CAP = 30.0
"""No computed backoff waits longer than this (a server's Retry-After may, up to its own cap)."""


@frozen
class RetryPolicy:
    retries: int = 2
    """Retries after the first attempt."""
    backoff: float = 0.5
    """Delay before the first retry; doubled on each further retry, with jitter."""
    max_retry_after: float = 60.0
    """A Retry-After longer than this is not waited for: the provider fails over at once."""

    def delay(self, attempt: int, error: ProviderError) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or ``None`` to give up."""
        if attempt > self.retries or not error.retryable:
            return None
        if error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None
            return error.retry_after
        base = min(self.backoff * 2.0 ** (attempt - 1), BACKOFF_CAP)
        # Jitter spreads retries of concurrent calls so they do not hit the API in step.
        return base * (0.5 + random.random() / 2)


class CircuitBreaker:
    """Stops calling a provider after ``threshold`` consecutive failures.

    Open for ``cooldown`` seconds; then one trial call is let through (half-open):
    success closes the circuit, failure opens it again for another cooldown.
    """

    def __init__(self, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False
        self.opened = 0
        """How many times the circuit opened (for reports)."""

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        if self._opened_at is None:
            return True
        if not self._trial and self._clock() - self._opened_at >= self.cooldown:
            self._trial = True
            return True
        return False

    def success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial = False

    def failure(self) -> None:
        self._failures += 1
        if self._trial or (self._opened_at is None and self._failures >= self.threshold):
            self._opened_at = self._clock()
            self._trial = False
            self.opened += 1
