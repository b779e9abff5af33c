"""RE2 sets of loosened patterns: which of them match a text, in one pass.

The rule matcher uses one for the few patterns that no literal pre-selects
(``rulematch``). For ASCII text (most prompts) the patterns that can be
written in Latin-1 run in a Latin-1 set: on ASCII input it matches exactly
where the UTF-8 set would, and its automaton is cheaper to build (no
multi-byte sequences, no case-folding partners such as the Kelvin sign). The
patterns with other characters run in a small UTF-8 set beside it. Texts with
other characters use one UTF-8 set of every pattern, compiled the first time
one arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SET_MEMORY = 256 << 20
"""RE2 memory budget for each set's automaton (it is built lazily, as input needs it)."""


def _compile(patterns: Sequence[str | bytes], latin: bool = False) -> Any:
    import re2

    options = re2.Options()
    options.max_mem = SET_MEMORY
    if latin:
        options.encoding = re2.Options.Encoding.LATIN1
    rule_set = re2.Set.SearchSet(options)
    for pattern in patterns:
        rule_set.Add(pattern)
    rule_set.Compile()
    return rule_set


class LooseSets:
    """Indexes (into ``patterns``) of the loosened patterns that match a text."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        latin: list[bytes] = []
        self._latin_index: list[int] = []
        self._other_index: list[int] = []
        for index, pattern in enumerate(self.patterns):
            try:
                latin.append(pattern.encode("latin-1"))
                self._latin_index.append(index)
            except UnicodeEncodeError:
                self._other_index.append(index)
        self._latin = _compile(latin, latin=True) if latin else None
        others = [self.patterns[index] for index in self._other_index]
        self._other = _compile(others) if others else None
        self._full: Any = None

    def match(self, text: str) -> list[int]:
        if not text.isascii():
            if self._full is None:
                self._full = _compile(self.patterns)
            return self._full.Match(text) or []
        data = text.encode("ascii")
        hits = []
        if self._latin is not None:
            hits = [self._latin_index[i] for i in self._latin.Match(data) or ()]
        if self._other is not None:
            hits += [self._other_index[i] for i in self._other.Match(data) or ()]
        return hits
