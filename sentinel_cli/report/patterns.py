"""Repeated attack patterns: threat records grouped by normalised-text hash, and the share of
threats by category and by detector. Pure: records in, a ``PatternReport`` out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sentinel_cli.frozen import frozen
from sentinel_cli.report.records import ThreatRecord, Totals

MAX_SOURCES = 20
"""Sources listed per pattern (all are counted in ``source_count``)."""


@frozen
class Pattern:
    text_hash: str
    count: int
    first_seen: str
    """The audit timestamp of the first occurrence, else its source (scan results carry no time)."""
    last_seen: str
    categories: dict[str, int]
    """Threat category -> occurrences with it, most frequent first."""
    rule_ids: tuple[str, ...]
    sources: tuple[str, ...]
    source_count: int


@frozen
class Share:
    key: str
    count: int
    share: float
    """``count`` / threat records; a record with two categories counts in both."""


@frozen
class PatternReport:
    min_count: int
    records: int
    threats: int
    patterns: tuple[Pattern, ...]
    by_category: tuple[Share, ...]
    by_detector: tuple[Share, ...]

    def repeated_by_category(self) -> dict[str, int]:
        """Threat prompts in repeated patterns per category (``promptsentinel_repeated_attacks``)."""
        totals: Counter[str] = Counter()
        for pattern in self.patterns:
            totals.update(pattern.categories)
        return dict(sorted(totals.items()))


@dataclass
class _Group:
    count: int = 0
    first: str = ""
    last: str = ""
    categories: Counter[str] = field(default_factory=Counter)
    rule_ids: set[str] = field(default_factory=set)
    sources: dict[str, None] = field(default_factory=dict)
    source_count: int = 0


def _shares(counts: Counter[str], total: int) -> tuple[Share, ...]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Share(key, n, round(n / total, 6) if total else 0.0) for key, n in ordered)


def analyse(records: Iterable[ThreatRecord], totals: Totals, min_count: int = 5) -> PatternReport:
    """Group ``records`` by ``text_hash``; keep groups seen at least ``min_count`` times."""
    groups: dict[str, _Group] = {}
    categories: Counter[str] = Counter()
    detectors: Counter[str] = Counter()
    for record in records:
        categories.update(record.categories)
        detectors.update(record.detectors)
        group = groups.setdefault(record.text_hash, _Group())
        seen = record.timestamp or record.source
        group.count += 1
        group.first = group.first or seen
        group.last = seen
        group.categories.update(record.categories)
        group.rule_ids.update(record.rule_ids)
        if record.source and record.source not in group.sources:
            group.source_count += 1
            if len(group.sources) < MAX_SOURCES:
                group.sources[record.source] = None
    patterns = [
        Pattern(
            text_hash=digest,
            count=group.count,
            first_seen=group.first,
            last_seen=group.last,
            categories=dict(sorted(group.categories.items(), key=lambda item: (-item[1], item[0]))),
            rule_ids=tuple(sorted(group.rule_ids)),
            sources=tuple(group.sources),
            source_count=group.source_count,
        )
        for digest, group in groups.items()
        if group.count >= min_count
    ]
    patterns.sort(key=lambda p: -p.count)  # stable: equal counts keep first-seen order
    return PatternReport(
        min_count=min_count,
        records=totals.records,
        threats=totals.threats,
        patterns=tuple(patterns),
        by_category=_shares(categories, totals.threats),
        by_detector=_shares(detectors, totals.threats),
    )
