"""Scoring PII spans against gold ``spans`` labels: exact and overlap precision/recall/F1.

- exact: a predicted span counts when a gold span has the same type, start and end;
- overlap: a predicted span counts when it overlaps a gold span of the same
  type (precision), and a gold span counts as found when a predicted span of
  the same type overlaps it (recall).

Gold type names from the evaluation sets (Presidio-style) are mapped to the
names sentinel reports (``GOLD_TYPES``); unmapped gold types keep their name
and are reported too, though sentinel may not detect them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sentinel_cli.frozen import frozen

GOLD_TYPES: Mapping[str, str] = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_SSN": "US_SSN",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "STREET_ADDRESS": "ADDRESS",
    "PERSON": "PERSON",
}


@frozen
class Span:
    type: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.type == other.type and self.start < other.end and other.start < self.end


def gold_spans(value: Any) -> list[Span]:
    """Spans from a record's label field: a list of ``{type, start, end}`` objects."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ValueError("spans must be a list of {type, start, end} objects")
    spans = []
    for item in value:
        if not isinstance(item, Mapping) or not {"type", "start", "end"} <= set(item):
            raise ValueError("each span needs type, start and end")
        kind = str(item["type"])
        spans.append(Span(GOLD_TYPES.get(kind, kind), int(item["start"]), int(item["end"])))
    return spans


@dataclass(slots=True)
class TypeCounts:
    """Counts for one entity type, summed over records."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap_predicted: int = 0
    """Predicted spans overlapping a gold span of the type."""
    overlap_gold: int = 0
    """Gold spans overlapped by a predicted span of the type."""

    def add(self, other: TypeCounts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.exact += other.exact
        self.overlap_predicted += other.overlap_predicted
        self.overlap_gold += other.overlap_gold

    def scores(self) -> dict[str, Any]:
        def prf(hit_predicted: int, hit_gold: int) -> dict[str, float | None]:
            precision = hit_predicted / self.predicted if self.predicted else None
            recall = hit_gold / self.gold if self.gold else None
            f1 = (
                2 * precision * recall / (precision + recall)
                if precision is not None and recall is not None and precision + recall
                else (0.0 if precision is not None and recall is not None else None)
            )
            return {"precision": precision, "recall": recall, "f1": f1}

        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "exact": prf(self.exact, self.exact),
            "overlap": prf(self.overlap_predicted, self.overlap_gold),
        }


@dataclass(slots=True)
class SpanScores:
    """Accumulates per-type counts record by record."""

    types: dict[str, TypeCounts] = field(default_factory=dict)
    records: int = 0

    def add(self, gold: Iterable[Span], predicted: Iterable[Span]) -> None:
        gold, predicted = list(gold), list(predicted)
        self.records += 1
        exact = Counter(set(gold) & set(predicted))
        for kind in {span.type for span in (*gold, *predicted)}:
            counts = self.types.setdefault(kind, TypeCounts())
            gold_of = [span for span in gold if span.type == kind]
            predicted_of = [span for span in predicted if span.type == kind]
            counts.gold += len(gold_of)
            counts.predicted += len(predicted_of)
            counts.exact += sum(n for span, n in exact.items() if span.type == kind)
            counts.overlap_predicted += sum(1 for p in predicted_of if any(p.overlaps(g) for g in gold_of))
            counts.overlap_gold += sum(1 for g in gold_of if any(g.overlaps(p) for p in predicted_of))

    def total(self, types: Iterable[str] | None = None) -> TypeCounts:
        """Micro-averaged counts over ``types`` (all types when ``None``)."""
        chosen = set(self.types) if types is None else set(types)
        total = TypeCounts()
        for kind, counts in self.types.items():
            if kind in chosen:
                total.add(counts)
        return total

    def labelled(self, kind: str) -> bool:
        """Whether the gold data labels this type (else its predictions cannot be judged)."""
        counts = self.types.get(kind)
        return kind in GOLD_TYPES.values() or (counts is not None and counts.gold > 0)

    def to_dict(self) -> dict[str, Any]:
        mapped = [kind for kind in self.types if kind in GOLD_TYPES.values()]
        return {
            "records": self.records,
            "types": {
                kind: {**counts.scores(), "labelled": self.labelled(kind)}
                for kind, counts in sorted(self.types.items())
            },
            "micro": self.total(mapped).scores(),
            "micro_types": sorted(mapped),
        }
