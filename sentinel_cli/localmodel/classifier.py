"""Score text with the shipped linear model, in plain Python.

``margin`` is the logistic-regression decision value of one window of folded
text; ``probability`` maps it through the Platt calibration fitted on
out-of-fold margins at training time. A second, much smaller linear head
tells a jailbreak from an instruction injection; it only names the category.
"""

from __future__ import annotations

import math
from pathlib import Path

from sentinel_cli.frozen import frozen
from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import DEFAULT_PATH, Artifact, ArtifactError, load

FORMAT = 2


def _expect(header: dict[str, object], key: str, value: object) -> None:
    if header.get(key) != value:
        raise ArtifactError(
            f"model file was trained with {key}={header.get(key)!r} but this featuriser uses {value!r}"
        )


def _table(artifact: Artifact, name: str) -> dict[str, float]:
    return dict(zip(artifact.vocab[name], artifact.weights[name], strict=True))


def _sum(found: features.Grams, char: dict[str, float], word: dict[str, float], bias: float) -> float:
    # Set intersection probes the dict in C and leaves only the known grams;
    # fsum makes the total independent of set order (and so of PYTHONHASHSEED).
    total = bias
    if found.chars:
        total += math.fsum(map(char.__getitem__, char.keys() & found.chars)) / math.sqrt(len(found.chars))
    if found.words:
        total += math.fsum(map(word.__getitem__, word.keys() & found.words)) / math.sqrt(len(found.words))
    return total


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
