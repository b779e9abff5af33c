from __future__ import annotations

from sentinel_cli.providers.interface import ProviderError
from sentinel_cli.providers.resilience import CircuitBreaker, RetryPolicy


def test_backoff_doubles_with_jitter_and_stops_after_the_retries() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0)
    error = ProviderError("server", "x")
    for attempt, base in [(1, 1.0), (2, 2.0), (3, 4.0)]:
        delay = policy.delay(attempt, error)
        assert delay is not None and base / 2 <= delay <= base
    assert policy.delay(4, error) is None


def test_retry_after_is_honoured_and_too_long_fails_over() -> None:
    policy = RetryPolicy(retries=2, backoff=0.01, max_retry_after=10)
    assert policy.delay(1, ProviderError("rate_limit", "x", retry_after=3.0)) == 3.0
    assert policy.delay(1, ProviderError("overloaded", "x", retry_after=30.0)) is None


def test_non_retryable_errors_are_not_retried() -> None:
    policy = RetryPolicy(retries=5)
    assert policy.delay(1, ProviderError("auth", "x")) is None
    assert policy.delay(1, ProviderError("bad_request", "x")) is None


def test_breaker_opens_after_threshold_then_lets_one_trial_through() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=3, cooldown=10, clock=lambda: now[0])
    for _ in range(2):
        breaker.failure()
    assert breaker.allow() and not breaker.is_open
    breaker.failure()
    assert breaker.is_open and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow()  # the half-open trial
    assert not breaker.allow()  # only one
    breaker.failure()  # the trial failed: open again for a full cooldown
    now[0] = 15.0
    assert not breaker.allow()
    now[0] = 20.0
    assert breaker.allow()
    breaker.success()
    assert not breaker.is_open and breaker.allow() and breaker.opened == 2


def test_success_resets_the_count() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown=1)
    breaker.failure()
    breaker.success()
    breaker.failure()
    assert not breaker.is_open
