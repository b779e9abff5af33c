from __future__ import annotations

import pytest

from sentinel_cli.model import Category, Location, Severity, Verdict


def test_verdicts_order_by_severity_not_alphabet() -> None:
    assert Verdict.ALLOW < Verdict.FLAG < Verdict.REDACT < Verdict.STRIP < Verdict.BLOCK
    assert max([Verdict.FLAG, Verdict.BLOCK, Verdict.ALLOW]) is Verdict.BLOCK
    # Alphabetically "allow" < "block" < "flag"; the order must not be that.
    assert Verdict.FLAG < Verdict.BLOCK


def test_severity_order() -> None:
    assert sorted([Severity.CRITICAL, Severity.INFO, Severity.MEDIUM]) == [
        Severity.INFO,
        Severity.MEDIUM,
        Severity.CRITICAL,
    ]


def test_comparing_different_enums_is_an_error() -> None:
    with pytest.raises(TypeError):
        _ = Verdict.BLOCK < Severity.HIGH


def test_threat_categories() -> None:
    assert Category.DIRECT_INJECTION.is_threat
    assert not Category.PII.is_threat
    assert not Category.SECRET.is_threat


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (Location("a.jsonl", line=3, row=2), "a.jsonl:3"),
        (Location("a.parquet", row=7), "a.parquet:row 7"),
        (Location("<stdin>"), "<stdin>"),
    ],
)
def test_location_renders_file_and_position(location: Location, text: str) -> None:
    assert str(location) == text
