"""RE2 scans over whole texts, returning plain offsets.

The ``re2`` module returns character offsets for ``str`` input by converting
byte offsets match by match, which costs more than the match itself when a
scan finds many runs. For ASCII text (most prompts and documents) bytes and
characters coincide, so the scan runs on the encoded bytes instead.
"""

from __future__ import annotations

from typing import Any

import re2


class Scanner:
    """One RE2 pattern, compiled for ``str`` and, when first needed, for ASCII bytes."""

    __slots__ = ("_bytes", "_text", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._text: Any = re2.compile(pattern)
        self._bytes: Any = None

    def search(self, text: str) -> bool:
        return self._text.search(text) is not None

    def spans(self, text: str, *groups: int) -> list[tuple[int, int]]:
        """``(start, end)`` of every match, or of the first of ``groups`` that took part."""
        if text.isascii():
            if self._bytes is None:
                self._bytes = re2.compile(self.pattern.encode("utf-8"))
            matches = self._bytes.finditer(text.encode("ascii"))
        else:
            matches = self._text.finditer(text)
        if not groups:
            return [match.span() for match in matches]
        spans = []
        for match in matches:
            for group in groups:
                start, end = match.span(group)
                if start >= 0:
                    spans.append((start, end))
                    break
        return spans
