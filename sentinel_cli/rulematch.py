"""Matching many rules against a text in one pass.

All rule patterns, loosened (``regex_safety.loosen``), go into one RE2 set,
which finds in a single linear scan which rules may match; only those rules'
exact patterns then run to find the span. A 300-character prompt costs a few
microseconds against hundreds of rules instead of one regex search per rule.

Long texts are matched in overlapping windows so that the work per call and
the memory of RE2's automaton stay bounded; every character is scanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sentinel_cli.normalize import iter_chunks
from sentinel_cli.regex_safety import loosen
from sentinel_cli.rulepack import Rule, Signal, compile_pattern

WINDOW = 16 * 1024
"""Characters matched per call on long texts."""
OVERLAP = 1024
"""Characters shared by consecutive windows: a match shorter than this is never cut."""
SET_MEMORY = 256 << 20
"""RE2 memory budget for the rule set's automaton (it is built lazily, as input needs it)."""


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
        self._set: Any = None

    def _compiled(self) -> Any:
        if self._set is None:
            import re2

            options = re2.Options()
            options.max_mem = SET_MEMORY
            rule_set = re2.Set.SearchSet(options)
            for _, source in self._index:
                rule_set.Add(loosen(source))
            rule_set.Compile()
            self._set = rule_set
        return self._set

    def find(self, text: str) -> list[Match]:
        """The first match of every rule and signal that matches ``text``, rules first, in order."""
        if not self._index or not text:
            return []
        rule_set = self._compiled()
        found: dict[str, Match] = {}
        for start, end in iter_chunks(len(text), WINDOW, OVERLAP):
            window = text if (start, end) == (0, len(text)) else text[start:end]
            hits = rule_set.Match(window)
            if not hits:
                continue
            for index in sorted(hits):
                item, source = self._index[index]
                if item.key in found:
                    continue
                match = compile_pattern(source).search(window)
                if match is not None:
                    found[item.key] = Match(item, start + match.start(), start + match.end())
        return sorted(found.values(), key=lambda m: self._order[m.item.key])
