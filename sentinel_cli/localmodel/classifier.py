"""Score text with the shipped linear model, in plain Python.

``margin`` is the logistic-regression decision value of one window of folded
text; ``probability`` maps it through the Platt calibration fitted on
out-of-fold margins at training time. A second, much smaller linear head
tells a jailbreak from an instruction injection; it only names the category.
"""

from __future__ import annotations

import heapq
import math
from pathlib import Path

from sentinel_cli.frozen import frozen
from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import DEFAULT_PATH, Artifact, ArtifactError, load

FORMAT = 2
SCALE = 2**40
"""Weights are served as integers in units of ``1/SCALE``: a sum of integers is exact, so
the total does not depend on set order (and so on PYTHONHASHSEED), and ``sum`` adds them
faster than ``math.fsum`` adds floats. A float32 weight above 2**-16 keeps every bit."""


def _expect(header: dict[str, object], key: str, value: object) -> None:
    if header.get(key) != value:
        raise ArtifactError(
            f"model file was trained with {key}={header.get(key)!r} but this featuriser uses {value!r}"
        )


def _table(artifact: Artifact, name: str) -> dict[str, int]:
    return dict(
        zip(artifact.vocab[name], map(round, map(float(SCALE).__mul__, artifact.weights[name])), strict=True)
    )


def _block(table: dict[str, int], found: set[str] | frozenset[str]) -> float:
    # One dict probe per gram, in C: unknown grams give None and filter drops them
    # (as it drops zero weights, which add nothing); integers add exactly, in any order.
    return sum(filter(None, map(table.get, found))) / SCALE / math.sqrt(len(found)) if found else 0.0


def _sum(found: features.Grams, char: dict[str, int], word: dict[str, int], bias: float) -> float:
    return bias + _block(char, found.chars) + _block(word, found.words)


@frozen
class Window:
    """The most suspicious window of a text: its margin, span and features."""

    margin: float
    start: int
    end: int
    grams: features.Grams | None


class Classifier:
    """Benign-vs-malicious probability for one window of text, and its likelier category."""

    def __init__(self, artifact: Artifact) -> None:
        header = artifact.header
        _expect(header, "format", FORMAT)
        _expect(header, "char_ngrams", list(features.CHAR_NGRAMS))
        _expect(header, "window", features.WINDOW)
        _expect(header, "stride", features.STRIDE)
        self.header = header
        self.version: str = str(header["version"])
        self.floor: float = float(header["floor"])
        self.robust_words: int = int(header.get("robust_words", 0))
        self._bias = float(header["bias"])
        self._platt_a, self._platt_b = (float(x) for x in header["platt"])
        self._cat_bias = float(header["category_bias"])
        self._char, self._word = _table(artifact, "char"), _table(artifact, "word")
        self._cat_char, self._cat_word = _table(artifact, "cat_char"), _table(artifact, "cat_word")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Classifier:
        return cls(load(path))

    def margin(self, folded: str) -> float:
        """The linear decision value of already folded text (``features.canonical``)."""
        return self.margin_of(features.grams(folded))

    def margin_of(self, found: features.Grams) -> float:
        return _sum(found, self._char, self._word, self._bias)

    def word_score(self, folded: str) -> float:
        """The word block's share of the margin for already folded text: a cheap ranking of
        the sentences of a window (which one tells), a fraction of ``margin``'s cost."""
        return _block(self._word, features.word_grams(folded))

    def robust_margin(self, found: features.Grams, margin: float) -> float:
        """The margin without the window's most attack-like word (the lowest over the top few).

        A bag of n-grams can rest its verdict on one word ("ignore", "vergiss",
        "instructions") that benign text uses too; evidence that survives losing
        any one of its strongest words is spread over the text, as an attack's is.
        Deleting a word is approximated by subtracting what it brings: its own
        word features and the character grams inside it, under the window's
        scaling (no second pass over the text, so it costs a few dict probes).
        """
        if self.robust_words <= 0 or margin <= 0.0:
            return margin  # already on the benign side: nothing to take away
        word, char = self._word, self._char
        unigrams = [t for t in found.words if " " not in t and t[0] not in "^$" and word.get(t, 0) > 0]
        if not unigrams:
            return margin
        # Ties broken by the word itself: set order varies with PYTHONHASHSEED.
        tops = heapq.nlargest(self.robust_words, unigrams, key=lambda t: (word[t], t))
        pairs: dict[str, list[int]] = {token: [] for token in tops}
        for gram in found.words:
            left, space, right = gram.partition(" ")
            if space and (left in pairs or right in pairs) and gram in word:
                weight = word[gram]
                if left in pairs:
                    pairs[left].append(weight)
                if right in pairs and right != left:
                    pairs[right].append(weight)
        word_scale = math.sqrt(len(found.words))
        char_scale = math.sqrt(len(found.chars)) if found.chars else 1.0
        lowest = margin
        for token in tops:
            inside = features.char_grams(f" {token} ")
            taken = (word[token] + sum(pairs[token])) / SCALE / word_scale
            taken += sum(filter(None, map(char.get, inside & found.chars))) / SCALE / char_scale
            lowest = min(lowest, margin - taken)
        return lowest

    def probability(self, margin: float) -> float:
        z = self._platt_a * margin + self._platt_b
        if z < -60.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def jailbreak_probability(self, found: features.Grams) -> float:
        """How much more a window looks like a jailbreak than an instruction injection (0..1)."""
        z = _sum(found, self._cat_char, self._cat_word, self._cat_bias)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def best_window(classifier: Classifier, text: str) -> Window:
    """The highest-scoring window of ``text``, with its span in ``text`` and its features.

    Long inputs are scored piece by piece and the worst piece counts, so an
    attack at the end of a long benign document is not averaged away.
    """
    best = Window(-math.inf, 0, 0, None)
    for start, end in features.windows(text):
        found = features.grams(features.canonical(text[start:end]))
        margin = classifier.margin_of(found)
        if margin > best.margin:
            best = Window(margin, start, end, found)
    return best
