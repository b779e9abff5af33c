from __future__ import annotations

import email.utils

import pytest

from sentinel_cli.providers.interface import kind_for_status, retry_after_seconds, status_error


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, "rate_limit"),
        (529, "overloaded"),
        (500, "server"),
        (503, "server"),
        (401, "auth"),
        (400, "bad_request"),
    ],
)
def test_status_kinds(status: int, kind: str) -> None:
    assert kind_for_status(status) == kind


def test_retry_after_seconds_ms_and_http_date() -> None:
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now=1_000_000) == pytest.approx(30.0)
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_status_error_message_names_provider_and_status_only() -> None:
    error = status_error("openai", 503, {"retry-after": "1"})
    assert str(error) == "openai: HTTP 503 (server)" and error.retry_after == 1.0 and error.retryable
