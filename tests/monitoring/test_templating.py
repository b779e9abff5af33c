"""The annotation renderer mirrors Prometheus' template functions (promtool proves it on the
generated tests; these pin the cases by hand)."""

from __future__ import annotations

import pytest

from sentinel_cli.monitoring.templating import humanize, humanize_duration, humanize_percentage, render


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (3, "3"), (1234, "1.234k"), (2_500_000, "2.5M"), (0.25, "250m"), (90.25, "90.25")],
)
def test_humanize(value: float, text: str) -> None:
    assert humanize(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0s"),
        (97200, "1d 3h 0m 0s"),
        (3661, "1h 1m 1s"),
        (61, "1m 1s"),
        (2.425, "2.425s"),
        (0.975, "975ms"),
    ],
)
def test_humanize_duration(value: float, text: str) -> None:
    assert humanize_duration(value) == text


def test_humanize_percentage_and_render() -> None:
    assert humanize_percentage(0.076) == "7.6%"
    text = render(
        "{{ $labels.job }}/{{ $labels.nope }} at {{ $value | humanizePercentage }}", {"job": "j"}, 0.5
    )
    assert text == "j/<no value> at 50%"
    with pytest.raises(ValueError, match="subset"):
        render("{{ $value | printf }}", {}, 1.0)
