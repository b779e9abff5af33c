"""The normalised-text hash that groups repeated prompts (``text_hash`` in records and audit lines).

Two prompts that differ only in case, compatibility forms, look-alike
letters, invisible characters or spacing are the same attack sent again, so
the hash is taken over the normaliser's folded text: the same folding as
``Document.canonical`` (``sentinel_cli.normalization.folding``), so what the
detectors see as one text is one pattern in ``sentinel report patterns``.

A text longer than ``CHUNK`` characters is folded piece by piece (bounded
memory); NFKC, invisible characters, case and spacing fold the same either
way, while look-alike letters, which the normaliser folds by their context
(a word mixing scripts, a mostly Latin text), are decided per piece there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator

from sentinel_cli.normalization import folding


def normalised(text: str) -> str:
    """``Document(text).canonical``: NFKC, look-alikes folded, invisible characters removed,
    case folded, runs of whitespace collapsed to one space, trimmed."""
    return " ".join(folding.normalize(text)[0].casefold().split())


CHUNK = 1 << 16
"""Characters folded at a time: a 50 MB prompt is hashed without holding its folded copy or
a list of its millions of words."""


def _pieces(text: str, size: int) -> Iterator[tuple[str, bool]]:
    """``(piece, glued)``: consecutive pieces of ``text`` that fold independently. A piece ends
    just after a whitespace character, or failing that between two ASCII characters (NFKC never
    joins a character to an ASCII one after it); ``glued`` says the cut split a word."""
    start, length = 0, len(text)
    while length - start > size:
        cut = _cut(text, start + size, min(start + 16 * size, length))
        if cut is None:
            break  # one enormous word of non-ASCII characters: fold it whole
        yield text[start:cut], not text[cut - 1].isspace()
        start = cut
    yield text[start:], False


_SPACE = re.compile(r"\s")  # the characters str.isspace() and str.split() use
_ASCII_PAIR = re.compile(r"[\x00-\x7f](?=[\x00-\x7f])")


def _cut(text: str, begin: int, end: int) -> int | None:
    # Prefer a space close by; in a long run without one, any ASCII pair will do.
    found = _SPACE.search(text, begin - 1, min(begin + 1024, end)) or _ASCII_PAIR.search(text, begin - 1, end)
    return found.end() if found is not None else None


def folded_digest(text: str, fold: Callable[[str], str], chunk: int = CHUNK) -> str:
    """SHA-256 (hex) of ``fold(text)``, computed piece by piece for a ``fold`` that ends in
    collapsing whitespace (``" ".join(...split())``), so a long text is never copied whole."""
    digest = hashlib.sha256()
    started = glue = False  # glue: the last cut split a word, so no space goes before the next
    for piece, glued in _pieces(text, chunk):
        folded = fold(piece)
        if folded:
            joint = "" if not started or (glue and not piece[0].isspace()) else " "
            digest.update((joint + folded).encode("utf-8", "surrogatepass"))
            started = True
        glue = glued
    return digest.hexdigest()


def text_hash(text: str, chunk: int = CHUNK) -> str:
    """SHA-256 (hex) of ``normalised(text)`` in UTF-8."""
    return folded_digest(text, normalised, chunk)
