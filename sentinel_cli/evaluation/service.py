"""Running an evaluation: scan labelled records and score the results. No printing.

Records are read with the same readers as ``sentinel scan`` (any supported
input format); the label, slice and span fields travel on ``Prompt.extra``.
A record counts as *detected* when its score reaches the mode's flag threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sentinel_cli.config import Settings
from sentinel_cli.engine import THRESHOLDS
from sentinel_cli.errors import UsageError
from sentinel_cli.evaluation.metrics import Metrics, evaluate
from sentinel_cli.evaluation.spans import Span, SpanScores, gold_spans
from sentinel_cli.frozen import frozen
from sentinel_cli.model import ScanResult
from sentinel_cli.runner import RunOptions, RunSummary, ScanEngine, run_scan
from sentinel_cli.sinks.base import RunInfo, Sink
from sentinel_cli.sinks.output import Output

MISSING = "(missing)"


@frozen
class EvalRequest:
    inputs: Sequence[str]
    label_field: str = "label"
    positive: frozenset[str] = frozenset({"injection", "jailbreak"})
    slice_fields: tuple[str, ...] = ()
    examples: int = 0
    """How many misclassified records to list (false positives and false negatives each)."""


@frozen
class Example:
    id: str
    label: str
    score: float
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "score": round(self.score, 4), "evidence": self.evidence}


@dataclass(slots=True)
class EvalReport:
    inputs: list[str]
    mode: str
    threshold: float
    label_field: str
    positive: list[str]
    overall: Metrics
    slices: dict[str, dict[str, Metrics]]
    unlabelled: int
    false_positives: list[Example] = field(default_factory=list)
    false_negatives: list[Example] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "mode": self.mode,
            "threshold": self.threshold,
            "label_field": self.label_field,
            "positive": self.positive,
            "unlabelled": self.unlabelled,
            "overall": self.overall.to_dict(),
            "slices": {
                name: {value: metrics.to_dict() for value, metrics in groups.items()}
                for name, groups in self.slices.items()
            },
            "false_positives": [e.to_dict() for e in self.false_positives],
            "false_negatives": [e.to_dict() for e in self.false_negatives],
        }


class _Collector(Sink):
    """Keeps every result instead of writing it."""

    def __init__(self) -> None:
        super().__init__(Output(None), RunInfo(tool_version=""))
        self.results: list[ScanResult] = []

    def write(self, result: ScanResult) -> None:
        self.results.append(result)


def scan_all(
    settings: Settings, inputs: Sequence[str], keep: Sequence[str], engine: ScanEngine | None = None
) -> tuple[list[ScanResult], RunSummary]:
    """Every result of scanning ``inputs``, with the ``keep`` fields on ``result.extra``.

    ``engine`` defaults to the one the settings describe (tests pass their own)."""
    from sentinel_cli.scan_service import build_engine, source_opener

    collector = _Collector()
    options = RunOptions(fail_on=None, on_error=settings.on_error, batch_size=settings.batch_size)
    engine = engine if engine is not None else build_engine(settings)
    summary = run_scan(inputs, source_opener(settings, keep=keep), engine, collector, options)
    if summary.error is not None:
        raise summary.error
    return collector.results, summary


def label_text(value: Any) -> str:
    """A label as compared with ``--positive`` (booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().lower()


def slice_values(value: Any) -> list[str]:
    """The slices a record belongs to for one field: each entry of a list, else the value."""
    if value is None or value == "":
        return [MISSING]
    if isinstance(value, list | tuple):
        return [str(item) for item in value] or [MISSING]
    return [str(value)]


def _evidence(result: ScanResult) -> str:
    first = next((f for f in result.findings if not f.suppressed and f.category.is_threat), None)
    return f"{first.rule_id}: {first.evidence}" if first else ""


def _examples(rows: Iterable[tuple[ScanResult, bool, str]], wanted: int, *, positive: bool) -> list[Example]:
    chosen = sorted(
        ((r, label) for r, truth, label in rows if truth is positive),
        key=lambda pair: pair[0].score,
        reverse=not positive,
    )
    return [Example(r.id, label, r.score, _evidence(r)) for r, label in chosen[:wanted]]


def run_eval(settings: Settings, request: EvalRequest, engine: ScanEngine | None = None) -> EvalReport:
    threshold = THRESHOLDS[settings.mode].flag
    keep = (request.label_field, *request.slice_fields)
    results, summary = scan_all(settings, request.inputs, keep, engine)
    rows = []
    for result in results:
        if result.extra.get(request.label_field) is not None:
            label = label_text(result.extra[request.label_field])
            rows.append((result, label in request.positive, label))
    if not rows:
        raise UsageError(
            f"no record has the label field '{request.label_field}' (choose it with --label-field)"
        )
    labels = [truth for _, truth, _ in rows]
    scores = [result.score for result, _, _ in rows]
    slices: dict[str, dict[str, Metrics]] = {}
    for name in request.slice_fields:
        groups: dict[str, list[int]] = {}
        for index, (result, _, _) in enumerate(rows):
            for value in slice_values(result.extra.get(name)):
                groups.setdefault(value, []).append(index)
        slices[name] = {
            value: evaluate([labels[i] for i in members], [scores[i] for i in members], threshold)
            for value, members in sorted(groups.items())
        }
    missed = [(r, truth, label) for r, truth, label in rows if (r.score >= threshold) is not truth]
    return EvalReport(
        inputs=summary.inputs,
        mode=settings.mode.value,
        threshold=threshold,
        label_field=request.label_field,
        positive=sorted(request.positive),
        overall=evaluate(labels, scores, threshold),
        slices=slices,
        unlabelled=len(results) - len(rows),
        false_positives=_examples(missed, request.examples, positive=False),
        false_negatives=_examples(missed, request.examples, positive=True),
    )


def predicted_spans(result: ScanResult) -> list[Span]:
    return [Span(p.type, p.start, p.end) for p in result.pii]


def run_pii_eval(
    settings: Settings, inputs: Sequence[str], spans_field: str = "spans", engine: ScanEngine | None = None
) -> SpanScores:
    """Per-type exact and overlap scores of ``result.pii`` against the records' gold spans."""
    results, _ = scan_all(settings, inputs, (spans_field,), engine)
    scores = SpanScores()
    for result in results:
        if spans_field not in result.extra:
            continue
        try:
            gold = gold_spans(result.extra[spans_field])
        except ValueError as exc:
            raise UsageError(f"{result.source}: {spans_field}: {exc}") from None
        scores.add(gold, predicted_spans(result))
    if not scores.records:
        raise UsageError(f"no record has the span field '{spans_field}' (choose it with --spans-field)")
    return scores
