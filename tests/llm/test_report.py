from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sentinel_cli.errors import UsageError
from sentinel_cli.llm.report import parse_since

NOW = datetime(2026, 11, 17, 12, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "seconds_before"),
    [("7d", 7 * 86400), ("24h", 86400), ("30m", 1800), ("2w", 14 * 86400), ("1.5h", 5400)],
)
def test_spans(text: str, seconds_before: float) -> None:
    assert parse_since(text, now=NOW) == NOW - seconds_before


def test_dates_are_utc_unless_they_say_otherwise() -> None:
    assert parse_since("2026-11-01", now=NOW) == datetime(2026, 11, 1, tzinfo=UTC).timestamp()
    assert (
        parse_since("2026-11-01T00:00:00+01:00", now=NOW)
        == datetime(2026, 10, 31, 23, tzinfo=UTC).timestamp()
    )


def test_nonsense_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="7d"):
        parse_since("yesterday-ish", now=NOW)
