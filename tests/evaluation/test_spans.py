"""PII span scoring: exact and overlap, per type, with gold type names mapped."""

from __future__ import annotations

import pytest

from sentinel_cli.evaluation.spans import GOLD_TYPES, Span, SpanScores, gold_spans


def test_gold_types_map_to_sentinel_names() -> None:
    spans = gold_spans(
        [
            {"type": "EMAIL_ADDRESS", "start": 0, "end": 5},
            {"type": "US_SSN", "start": 6, "end": 9},
            {"type": "LOCATION", "start": 10, "end": 12},
        ]
    )
    assert [s.type for s in spans] == ["EMAIL", "US_SSN", "LOCATION"]
    assert GOLD_TYPES["STREET_ADDRESS"] == "ADDRESS"
    with pytest.raises(ValueError):
        gold_spans("nope")
    with pytest.raises(ValueError):
        gold_spans([{"type": "EMAIL_ADDRESS"}])


def test_exact_and_overlap_scores_per_type() -> None:
    scores = SpanScores()
    gold = [Span("EMAIL", 0, 10), Span("PHONE", 20, 30), Span("PERSON", 40, 48)]
    predicted = [Span("EMAIL", 0, 10), Span("PHONE", 22, 30), Span("PHONE", 50, 55), Span("SECRET", 60, 70)]
    scores.add(gold, predicted)
    scores.add([Span("EMAIL", 5, 9)], [])
    data = scores.to_dict()
    email, phone, person = (data["types"][k] for k in ("EMAIL", "PHONE", "PERSON"))
    assert email["exact"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3)}
    assert phone["exact"]["precision"] == 0.0 and phone["exact"]["recall"] == 0.0
    assert phone["overlap"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3)}
    assert person["overlap"]["recall"] == 0.0 and person["overlap"]["precision"] is None
    assert data["types"]["SECRET"]["labelled"] is False and email["labelled"] is True
    assert data["records"] == 2
    assert data["micro"]["gold"] == 4 and data["micro"]["predicted"] == 3
    assert data["micro"]["overlap"]["recall"] == pytest.approx(2 / 4)
