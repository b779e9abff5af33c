"""Binary classification metrics from labels and scores. Pure Python, no dependencies.

A prompt is *predicted positive* when its score reaches the threshold (the
mode's flag threshold in ``sentinel eval``). Ratios whose denominator is zero
are ``None`` (shown as "-"), never a made-up 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sentinel_cli.frozen import frozen

TARGET_FPR = 0.01
"""The false-positive rate at which ``recall_at_fpr`` is read."""


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@frozen
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        return self.tn + self.fp

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.positives)

    @property
    def fpr(self) -> float | None:
        return _ratio(self.fp, self.negatives)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def balanced_accuracy(self) -> float | None:
        recall, fpr = self.recall, self.fpr
        if recall is None or fpr is None:
            return None
        return (recall + (1.0 - fpr)) / 2.0


def confusion(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> Confusion:
    tp = fp = tn = fn = 0
    for label, score in zip(labels, scores, strict=True):
        predicted = score >= threshold
        if label:
            tp, fn = (tp + 1, fn) if predicted else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if predicted else (fp, tn + 1)
    return Confusion(tp=tp, fp=fp, tn=tn, fn=fn)


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance that a random positive outscores a random
    negative, ties counting one half (the Mann-Whitney U statistic, with mid-ranks)."""
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = 0.0
    index = 0
    while index < len(order):
        end = index
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[index]]:
            end += 1
        mid_rank = (index + end) / 2.0 + 1.0  # ranks are 1-based
        rank_sum += mid_rank * sum(1 for i in order[index : end + 1] if labels[i])
        index = end + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def recall_at_fpr(
    labels: Sequence[bool], scores: Sequence[float], target: float = TARGET_FPR
) -> tuple[float | None, float | None]:
    """The best recall with a false-positive rate at most ``target``, and the lowest
    score threshold that achieves it (``None`` when no threshold does)."""
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None, None
    allowed = int(target * negatives + 1e-9)
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0], reverse=True)
    best_recall, best_threshold = 0.0, None
    true_positives = false_positives = 0
    index = 0
    while index < len(ranked):
        threshold = ranked[index][0]
        while index < len(ranked) and ranked[index][0] == threshold:  # a threshold admits all its ties
            true_positives += ranked[index][1]
            false_positives += not ranked[index][1]
            index += 1
        if false_positives > allowed:
            break
        best_recall, best_threshold = true_positives / positives, threshold
    return best_recall, best_threshold


@frozen
class Metrics:
    """Every figure ``sentinel eval`` reports for one set of rows."""

    rows: int
    confusion: Confusion
    roc_auc: float | None
    recall_at_1pct_fpr: float | None
    threshold_at_1pct_fpr: float | None

    def to_dict(self) -> dict[str, Any]:
        c = self.confusion
        return {
            "rows": self.rows,
            "positives": c.positives,
            "negatives": c.negatives,
            **asdict(c),
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "fpr": c.fpr,
            "balanced_accuracy": c.balanced_accuracy,
            "roc_auc": self.roc_auc,
            "recall_at_1pct_fpr": self.recall_at_1pct_fpr,
            "threshold_at_1pct_fpr": self.threshold_at_1pct_fpr,
        }


def evaluate(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> Metrics:
    recall, at = recall_at_fpr(labels, scores)
    return Metrics(
        rows=len(labels),
        confusion=confusion(labels, scores, threshold),
        roc_auc=roc_auc(labels, scores),
        recall_at_1pct_fpr=recall,
        threshold_at_1pct_fpr=at,
    )
