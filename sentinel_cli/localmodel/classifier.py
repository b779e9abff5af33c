"""Score text with the shipped linear model, in plain Python.

``margin`` is the logistic-regression decision value of one window of folded
text; ``probability`` maps it through the Platt calibration fitted on
out-of-fold margins at training time. A second, smaller linear head tells a
jailbreak from an injection; it is built only when a finding is reported.
"""

from __future__ import annotations

import math
from pathlib import Path

from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import DEFAULT_PATH, Artifact, ArtifactError, load


def _expect(header: dict[str, object], key: str, value: object) -> None:
    if header.get(key) != value:
        raise ArtifactError(
            f"model file was trained with {key}={header.get(key)!r} but this featuriser uses {value!r}"
        )


class Classifier:
    """Benign-vs-malicious probability for one window of text, and its likelier category."""

    def __init__(self, artifact: Artifact) -> None:
        header = artifact.header
        _expect(header, "format", 1)
        _expect(header, "char_ngrams", list(features.CHAR_NGRAMS))
        _expect(header, "window", features.WINDOW)
        _expect(header, "stride", features.STRIDE)
        self.header = header
        self.version: str = str(header["version"])
        self.floor: float = float(header["floor"])
        self._bias = float(header["bias"])
        self._platt_a, self._platt_b = (float(x) for x in header["platt"])
        self._cat_bias = float(header["category_bias"])
        self._vocab = artifact.vocab
        self._weights = artifact.weights
        self._char = dict(zip(artifact.vocab["char"], artifact.weights["char"], strict=True))
        self._word = dict(zip(artifact.vocab["word"], artifact.weights["word"], strict=True))
        self._cat: tuple[dict[str, float], dict[str, float]] | None = None

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Classifier:
        return cls(load(path))

    def margin(self, folded: str) -> float:
        """The linear decision value of already folded text (``features.canonical``)."""
        return self._linear(features.grams(folded), self._char, self._word, self._bias)

    def probability(self, margin: float) -> float:
        z = self._platt_a * margin + self._platt_b
        if z < -60.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def jailbreak_probability(self, folded: str) -> float:
        """How much more this looks like a jailbreak than an instruction injection (0..1)."""
        if self._cat is None:
            vocab, weights = self._vocab, self._weights
            self._cat = (
                dict(zip(vocab["char"], weights["char_jailbreak"], strict=True)),
                dict(zip(vocab["word"], weights["word_jailbreak"], strict=True)),
            )
        z = self._linear(features.grams(folded), self._cat[0], self._cat[1], self._cat_bias)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    @staticmethod
    def _linear(found: features.Grams, char: dict[str, float], word: dict[str, float], bias: float) -> float:
        # Set intersection probes the dict in C and leaves only the known grams;
        # fsum makes the total independent of set order (and so of PYTHONHASHSEED).
        total = bias
        if found.chars:
            known = char.keys() & found.chars
            total += math.fsum(map(char.__getitem__, known)) / math.sqrt(len(found.chars))
        if found.words:
            known = word.keys() & found.words
            total += math.fsum(map(word.__getitem__, known)) / math.sqrt(len(found.words))
        return total


def best_window(classifier: Classifier, text: str) -> tuple[float, int, int]:
    """The highest margin over the windows of ``text``, and that window's span in ``text``.

    Long inputs are scored piece by piece and the worst piece counts, so an
    attack at the end of a long benign document is not averaged away.
    """
    best = (-math.inf, 0, 0)
    for start, end in features.windows(text):
        margin = classifier.margin(features.canonical(text[start:end]))
        if margin > best[0]:
            best = (margin, start, end)
    return best
