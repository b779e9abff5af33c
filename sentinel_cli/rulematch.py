"""Matching many rules against a text: a cheap pre-selection, then each selected rule's pattern.

Every pattern comes with the literals any text it matches must contain
(``prefilter.required``, worked out once into the shipped rule index). A text
pre-selects the rules whose literals occur, and only those rules' exact
patterns run to find the span; patterns without a usable literal (a handful
of line-anchored ones) are pre-selected by an RE2 set of their loosened forms
(``ruleset``). Which literals occur is found with ``in`` for the first
``SET_AFTER`` texts, so a one-prompt scan compiles nothing it does not use,
and with one pass of an RE2 literal set after that.

Why not one RE2 set of all loosened patterns: RE2 builds a set's automaton
state by state as texts need it, and for hundreds of patterns with gaps
(``[^.]{0,40}``) the states multiply with every new text. On 100,000
different prompts such a set still cost ~70 us a text on average and its
memory had grown by ~300 MB, where the literal pre-selection stays at ~50 us
and ~35 MB from the start (measured on this project's 2-core machine).

Long texts are matched in overlapping windows so that the work per call and
the memory of RE2's automaton stay bounded; every character is scanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sentinel_cli.frozen import frozen
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


@frozen
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
        self._loose: LooseSets | None = None
        self._prefilter: Prefilter | None = None
        self._calls = 0

    def _compiled(self, window: str) -> list[int]:
        """Pre-selection once the sets are compiled: literal atoms, plus the loose set of the
        patterns that have none."""
        prefilter, loose = self._sets()
        hits = prefilter.candidates(window, always=False)
        always = prefilter.always
        hits += [always[j] for j in loose.match(window)]
        return hits

    def _sets(self) -> tuple[Prefilter, LooseSets]:
        """The pre-selection compiled into RE2 sets (on the first call)."""
        prefilter = self._filtered()
        if self._loose is None:
            from sentinel_cli.ruleset import LooseSets

            prefilter.compile()
            self._loose = LooseSets([pattern_hint(self._index[i][1]).loose for i in prefilter.always])
        return prefilter, self._loose

    def _filtered(self) -> Prefilter:
        if self._prefilter is None:
            from sentinel_cli.prefilter import Prefilter

            self._prefilter = Prefilter([pattern_hint(source).atoms for _, source in self._index])
        return self._prefilter

    def prepare(self) -> None:
        """Compile every pattern and the pre-selection sets now, not as texts need them."""
        if not self._index:
            return
        self._sets()
        for _, source in self._index:
            compile_pattern(source)

    def find(self, text: str) -> list[Match]:
        """The first match of every rule and signal that matches ``text``, rules first, in order."""
        if not self._index or not text:
            return []
        early = self._loose is None and self._calls < SET_AFTER
        self._calls += 1
        select = self._filtered().candidates if early else self._compiled
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
        # On ASCII text byte offsets are character offsets, and RE2 skips converting them.
        subject: str | bytes = window.encode("ascii") if window.isascii() else window
        for index in sorted(hits):
            item, source = self._index[index]
            if item.key in found:
                continue
            match = compile_pattern(source).search(subject)
            if match is not None:
                found[item.key] = Match(item, start + match.start(), start + match.end())
