"""Shared plumbing for the span detectors (``pii`` and ``secrets``).

Recognisers take a ``Scan`` (the text, its lower-cased copy and a cache of
where literal anchors occur) and yield ``Hit`` objects; the detector resolves
overlaps and turns hits into ``Finding`` objects whose evidence never repeats
the matched value, because findings end up in logs, CI annotations and SARIF.

Speed. These detectors run on every prompt. A regular expression that has to
be tried at every position costs ~10-20 µs per KB in CPython, while
``str.find`` of a literal costs well under 1 µs per KB. So recognisers start
from literal anchors ("@", "://", "ghp_", "born") or from one shared scan for
digit clusters, and only then run a pattern on a short window.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sentinel_cli.frozen import frozen
from sentinel_cli.lazyre import lazy
from sentinel_cli.model import Category, Finding, RuleInfo, Severity

__all__ = ["Cues", "Hit", "Scan", "SpanRule", "lazy", "lowered", "masked", "resolve", "to_findings"]


@frozen
class Hit:
    """A recogniser's match: which rule, where, how sure, and a safe detail for evidence."""

    rule_id: str
    start: int
    end: int
    confidence: float
    detail: str = ""
    """Extra evidence that does not reveal the value (a brand, a key name, a length)."""


@frozen
class SpanRule:
    """A permanent rule of a span detector and the entity type it reports."""

    id: str
    subtype: str
    severity: Severity
    confidence: float
    description: str
    priority: int = 50
    """Lower wins when two hits overlap (checksummed types beat context guesses)."""

    def info(self, detector: str, category: Category) -> RuleInfo:
        return RuleInfo(
            id=self.id,
            name=self.subtype.lower().replace("_", "-"),
            detector=detector,
            category=category,
            severity=self.severity,
            confidence=self.confidence,
            description=self.description,
            tags=(category.value, self.subtype),
        )


def lowered(text: str) -> str:
    """``text.lower()`` with the same length, so offsets found in it are offsets into ``text``."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(char.lower()[0] for char in text)  # "İ".lower() is two characters


_DIGITS = frozenset("0123456789")


@dataclass(slots=True)
class Scan:
    """One text being scanned: the text, its lower-cased copy and where anchors occur."""

    text: str
    lower: str = ""
    _anchors: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _case_anchors: dict[str, list[int]] = field(default_factory=dict, repr=False)
    digits: bool = False
    """Whether the text has an ASCII digit: recognisers of numbers skip texts without one."""

    def __post_init__(self) -> None:
        if not self.lower:
            self.lower = lowered(self.text)
        self.digits = not _DIGITS.isdisjoint(self.text)

    def at(self, *needles: str, case: bool = False) -> list[int]:
        """Sorted offsets of every needle, in the lower-cased text (``case=True``: in the text).

        Each needle is searched once per text, however many recognisers ask.
        """
        haystack = self.text if case else self.lower
        cache = self._case_anchors if case else self._anchors
        found: list[int] = []
        for needle in needles:
            positions = cache.get(needle)
            if positions is None:
                positions = cache[needle] = _positions(haystack, needle)
            if positions:
                found.extend(positions)
        return sorted(set(found)) if len(needles) > 1 and found else found

    def has(self, needles: tuple[str, ...]) -> bool:
        """Whether any of ``needles`` occurs in the lower-cased text (a gate before a pattern)."""
        lower = self.lower
        for needle in needles:  # noqa: SIM110 - a plain loop is measurably faster than any()
            if needle in lower:
                return True
        return False

    def word_start(self, at: int) -> bool:
        return at == 0 or not self.lower[at - 1].isalnum()


def _positions(haystack: str, needle: str) -> list[int]:
    positions = []
    at = haystack.find(needle)
    while at != -1:
        positions.append(at)
        at = haystack.find(needle, at + 1)
    return positions


_WORD = lazy(r"\w+")


class Cues:
    """A set of cue words, and a cheap test for one of them near a span of a lower-cased text.

    Plain entries must be whole words, entries ending in ``*`` are word prefixes
    ("messag*"), and entries with a space or punctuation are matched as
    substrings ("social security", "desk:"). Splitting a short window into words
    and testing set membership costs a few microseconds, where one regular
    expression with dozens of alternatives costs ten times more.
    """

    def __init__(self, entries: Iterable[str]) -> None:
        entries = tuple(entries)
        words = [entry for entry in entries if entry.replace("*", "").isalnum()]
        self._words = frozenset(word for word in words if not word.endswith("*"))
        self._prefixes = tuple(word[:-1] for word in words if word.endswith("*"))
        self._phrases = tuple(entry for entry in entries if not entry.replace("*", "").isalnum())

    def near(self, lower: str, start: int, end: int, before: int, after: int = 0) -> bool:
        """True when a cue occurs in the ``before`` characters before or ``after`` after the span."""
        window = lower[max(0, start - before) : start]
        if after:
            window = f"{window} \x00 {lower[end : end + after]}"
        if any(phrase in window for phrase in self._phrases):
            return True
        tokens = _WORD().findall(window)
        if not self._words.isdisjoint(tokens):
            return True
        return bool(self._prefixes) and any(token.startswith(self._prefixes) for token in tokens)

    def last_word(self, lower: str, start: int, before: int = 16) -> bool:
        """True when the word right before ``start`` is a cue ("version 1.2.3.4")."""
        tokens = _WORD().findall(lower, max(0, start - before), start)
        return bool(tokens) and (
            tokens[-1] in self._words or tokens[-1].startswith(self._prefixes or ("\x00",))
        )


def resolve(hits: Iterable[Hit], rules: dict[str, SpanRule]) -> list[Hit]:
    """Drop hits that overlap a better one: lower priority first, then higher confidence, then longer."""
    ranked = sorted(hits, key=lambda h: (rules[h.rule_id].priority, -h.confidence, h.start - h.end))
    starts: list[int] = []
    kept: list[Hit] = []  # sorted by start, never overlapping: only the neighbours need checking
    for hit in ranked:
        index = bisect_left(starts, hit.start)
        if index > 0 and kept[index - 1].end > hit.start:
            continue
        if index < len(kept) and kept[index].start < hit.end:
            continue
        starts.insert(index, hit.start)
        kept.insert(index, hit)
    return kept


def masked(subtype: str, detail: str = "") -> str:
    """Evidence that names the type but not the value: ``[EMAIL]`` or ``[CREDIT_CARD] visa, 16 digits``."""
    return f"[{subtype}] {detail}" if detail else f"[{subtype}]"


def to_findings(
    hits: Sequence[Hit], rules: dict[str, SpanRule], *, detector: str, category: Category
) -> list[Finding]:
    return [
        Finding(
            rule_id=hit.rule_id,
            detector=detector,
            category=category,
            severity=rules[hit.rule_id].severity,
            confidence=hit.confidence,
            start=hit.start,
            end=hit.end,
            evidence=masked(rules[hit.rule_id].subtype, hit.detail),
            view="raw",
            description=rules[hit.rule_id].description,
            subtype=rules[hit.rule_id].subtype,
        )
        for hit in hits
    ]
