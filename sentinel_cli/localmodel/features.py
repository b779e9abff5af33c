"""Turn text into the model's features: character 3- and 5-grams and word 1-2-grams.

The same functions run at training and at serving time, so what the model saw
is exactly what it scores. Features are *sets* (binary presence), each block
later scaled by ``1/sqrt(size)``, which keeps a short attack inside a long
window visible and makes the featuriser cheap: slicing, ``set`` and ``dict``
lookups, all in C.

Everything is deterministic: no ``hash()`` (salted per process), no random.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from sentinel_cli.frozen import frozen
from sentinel_cli.normalization.folding import normalize

CHAR_NGRAMS = (3, 5)
WINDOW = 1200
"""Characters per scoring window; long inputs are scored window by window."""
STRIDE = 600
"""Step between windows: they overlap by half, so no phrase falls between two."""

EDGE_LINES = 3
"""Documents with at least this many line breaks get first- and last-line features."""

_WORD = re.compile(r"\w+")


def canonical(text: str) -> str:
    """The folded text the model reads: the normaliser's folding (invisible characters
    removed, NFKC, look-alike letters folded), casefolded, spaces collapsed per line.

    Like ``Document.canonical`` but keeping line breaks, which the document-edge
    features need.
    """
    folded = normalize(text)[0].casefold()
    lines = (" ".join(line.split()) for line in folded.splitlines())
    return "\n".join(line for line in lines if line)


@frozen
class Grams:
    """The distinct features of one window of text."""

    chars: frozenset[str] | set[str]
    words: set[str]


def char_grams(padded: str) -> set[str]:
    """The character n-grams of ``padded``: text with a space at each end, so that grams at
    its edges mark a word boundary."""
    size = len(padded)
    chars = {padded[i : i + CHAR_NGRAMS[0]] for i in range(size - CHAR_NGRAMS[0] + 1)}
    for n in CHAR_NGRAMS[1:]:
        chars.update([padded[i : i + n] for i in range(size - n + 1)])
    return chars


def word_grams(folded: str) -> set[str]:
    """Word uni- and bigrams of folded text."""
    tokens = _WORD.findall(folded)
    words = set(tokens)
    words.update([f"{a} {b}" for a, b in pairwise(tokens)])
    return words


def grams(folded: str) -> Grams:
    """Character n-grams (with word-boundary spaces) and word uni- and bigrams of folded text."""
    chars = char_grams(f" {folded} ")
    words = word_grams(folded)
    if folded.count("\n") >= EDGE_LINES:
        # Text at the edges of a multi-line document gets its own features: an
        # instruction tacked onto a document is the shape of indirect injection.
        head, _, rest = folded.partition("\n")
        tail = rest.rpartition("\n")[2]
        words.update(["^" + t for t in _WORD.findall(head)])
        words.update(["$" + t for t in _WORD.findall(tail)])
    return Grams(chars, words)


def windows(text: str, size: int = WINDOW, stride: int = STRIDE) -> Iterator[tuple[int, int]]:
    """``[start, end)`` spans covering ``text``: one span when it fits, else overlapping ones.

    Spans end on whitespace where one is near, so a word is not cut in two.
    """
    length = len(text)
    if length <= size:
        yield 0, length
        return
    start = 0
    while True:
        end = min(start + size, length)
        if end < length:
            cut = text.rfind(" ", start + size - 64, end)
            end = cut if cut > start else end
        yield start, end
        if end >= length:
            return
        start = max(end - (size - stride), start + 1)
