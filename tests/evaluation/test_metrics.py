"""Metrics against figures worked out by hand."""

from __future__ import annotations

import random

import pytest

from sentinel_cli.evaluation.metrics import Confusion, confusion, evaluate, recall_at_fpr, roc_auc


def test_roc_auc_matches_a_hand_computed_example() -> None:
    # Positives score 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.1. Of the 9 pairs the positive
    # wins 3 + 3 + 1 and ties 1 (0.4 vs 0.4, counted one half): (7 + 0.5) / 9.
    labels = [True, True, False, True, False, False]
    scores = [0.9, 0.4, 0.4, 0.8, 0.1, 0.7]
    assert roc_auc(labels, scores) == pytest.approx(7.5 / 9)


def test_roc_auc_extremes_and_undefined() -> None:
    assert roc_auc([True, False], [0.9, 0.1]) == 1.0
    assert roc_auc([True, False], [0.1, 0.9]) == 0.0
    assert roc_auc([True, False, True, False], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert roc_auc([True, True], [0.1, 0.2]) is None


def test_roc_auc_agrees_with_the_pairwise_definition() -> None:
    rng = random.Random(7)
    labels = [rng.random() < 0.4 for _ in range(200)]
    scores = [round(rng.random(), 1) for _ in range(200)]
    pos = [s for s, label in zip(scores, labels, strict=True) if label]
    neg = [s for s, label in zip(scores, labels, strict=True) if not label]
    pairwise = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg) / (len(pos) * len(neg))
    assert roc_auc(labels, scores) == pytest.approx(pairwise)


def test_confusion_and_derived_rates() -> None:
    labels = [True, True, True, False, False, False, False]
    scores = [0.9, 0.6, 0.2, 0.7, 0.1, 0.0, 0.3]
    c = confusion(labels, scores, 0.5)
    assert c == Confusion(tp=2, fp=1, tn=3, fn=1)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 / 3)
    assert c.fpr == pytest.approx(1 / 4)
    assert c.balanced_accuracy == pytest.approx((2 / 3 + 3 / 4) / 2)
    empty = Confusion(tn=3)
    assert empty.precision is None and empty.recall is None and empty.f1 is None
    assert empty.balanced_accuracy is None and empty.fpr == 0.0


def test_recall_at_one_percent_false_positive_rate() -> None:
    labels = [True] * 10 + [False] * 200
    scores = [0.95] * 6 + [0.6] * 4 + [0.6, 0.6] + [0.99] * 1 + [0.0] * 197
    # 200 negatives allow 2 false positives. Threshold 0.95 admits 1 (the 0.99 one): recall 0.6.
    # Threshold 0.6 admits 3: too many. So the answer is 0.6 at threshold 0.95.
    assert recall_at_fpr(labels, scores) == (pytest.approx(0.6), 0.95)
    assert recall_at_fpr([True], [0.5]) == (None, None)
    assert recall_at_fpr([True, False], [0.1, 0.9]) == (0.0, None)


def test_evaluate_bundles_everything() -> None:
    metrics = evaluate([True, False], [0.8, 0.2], 0.5)
    data = metrics.to_dict()
    assert data["tp"] == 1 and data["tn"] == 1 and data["roc_auc"] == 1.0
    assert data["recall_at_1pct_fpr"] == 1.0 and data["rows"] == 2
