"""Matching many rules against a text in one pass.

All rule patterns, loosened (``regex_safety.loosen``), go into RE2 sets
(``ruleset``), which find in a single linear scan which rules may match; only
those rules' exact patterns then run to find the span. A 300-character prompt costs a few
microseconds against hundreds of rules instead of one regex search per rule.

Compiling the sets takes tens of milliseconds, more than the rest of a
one-prompt scan, so the first ``SET_AFTER`` texts are pre-selected instead by
the literals each pattern requires (``prefilter``), and only the exact patterns
of rules whose literals occur are compiled; the sets are compiled at the next. Either way the exact pattern
decides, so the findings are the same.

Long texts are matched in overlapping windows so that the work per call and
the memory of RE2's automaton stay bounded; every character is scanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sentinel_cli.normalize import iter_chunks
from sentinel_cli.ruleindex import pattern_hint
from sentinel_cli.rulepack import Rule, Signal, compile_pattern

if TYPE_CHECKING:
    from sentinel_cli.prefilter import Prefilter
    from sentinel_cli.ruleset import LooseSets

WINDOW = 16 * 1024
"""Characters matched per call on long texts."""
OVERLAP = 1024
"""Characters shared by consecutive windows: a match shorter than this is never cut."""
SET_AFTER = 16
"""Texts matched with the literal prefilter before the rule set is compiled."""


@dataclass(frozen=True, slots=True)
class Match:
    item: Rule | Signal
    start: int
    end: int


class RuleMatcher:
    """Finds, for each rule and signal, its first match in a text."""

    def __init__(self, rules: Sequence[Rule], signals: Sequence[Signal] = ()) -> None:
        self.rules = tuple(rules)
        self.signals = tuple(signals)
        items: tuple[Rule | Signal, ...] = (*self.rules, *self.signals)
        self._index = [(item, source) for item in items for source in item.sources]
        self._order = {item.key: position for position, item in enumerate(items)}
        self._set: LooseSets | None = None
        self._prefilter: Prefilter | None = None
        self._calls = 0

    def _compiled(self) -> LooseSets:
        if self._set is None:
            from sentinel_cli.ruleset import LooseSets

            self._set = LooseSets([pattern_hint(source).loose for _, source in self._index])
        return self._set

    def _filtered(self) -> Prefilter:
        if self._prefilter is None:
            from sentinel_cli.prefilter import Prefilter

            self._prefilter = Prefilter([pattern_hint(source).atoms for _, source in self._index])
        return self._prefilter

    def find(self, text: str) -> list[Match]:
        """The first match of every rule and signal that matches ``text``, rules first, in order."""
        if not self._index or not text:
            return []
        early = self._set is None and self._calls < SET_AFTER
        self._calls += 1
        select = self._filtered().candidates if early else self._compiled().match
        found: dict[str, Match] = {}
        if len(text) <= WINDOW:  # most texts: one window, no slicing
            hits = select(text)
            if not hits:
                return []
            self._confirm(text, 0, hits, found)
        else:
            for start, end in iter_chunks(len(text), WINDOW, OVERLAP):
                window = text[start:end]
                hits = select(window)
                if hits:
                    self._confirm(window, start, hits, found)
        if len(found) < 2:
            return list(found.values())
        return sorted(found.values(), key=lambda m: self._order[m.item.key])

    def _confirm(self, window: str, start: int, hits: Sequence[int], found: dict[str, Match]) -> None:
        """Run the exact pattern of each pre-selected rule; keep each rule's first match."""
        for index in sorted(hits):
            item, source = self._index[index]
            if item.key in found:
                continue
            match = compile_pattern(source).search(window)
            if match is not None:
                found[item.key] = Match(item, start + match.start(), start + match.end())
