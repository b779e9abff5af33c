"""The normalised-text hash that groups repeated prompts (``text_hash`` in records and audit lines).

Two prompts that differ only in case, compatibility forms or spacing are the
same attack sent again, so the hash is taken over a folded text. The folding
is one function: when the normaliser's ``Document.canonical`` (full folding of
look-alikes and invisible characters) is available, ``normalised`` becomes a
call to it and every hash follows.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalised(text: str) -> str:
    """NFKC, case folded, runs of whitespace collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_hash(text: str) -> str:
    """SHA-256 (hex) of ``normalised(text)`` in UTF-8."""
    return hashlib.sha256(normalised(text).encode("utf-8", "surrogatepass")).hexdigest()
