"""RE2 scans over whole texts, returning plain offsets.

The ``re2`` module returns character offsets for ``str`` input by converting
byte offsets match by match, which costs more than the match itself when a
scan finds many runs. For ASCII text (most prompts and documents) bytes and
characters coincide, so the scan runs on the encoded bytes instead, with the
pattern compiled for Latin-1: on ASCII input it matches exactly what the
UTF-8 program matches, and classes such as ``\\pL`` compile about ten times
faster. Both programs are compiled on first use, so importing the normaliser
costs nothing and a plain ASCII prompt never builds the ``str`` one.
"""

from __future__ import annotations

from typing import Any


class Scanner:
    """One RE2 pattern, compiled for ``str`` and for ASCII bytes, each when first needed."""

    __slots__ = ("_bytes", "_text", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._text: Any = None
        self._bytes: Any = None

    @property
    def compiled(self) -> Any:
        """The RE2 program for ``str`` input."""
        if self._text is None:
            import re2

            self._text = re2.compile(self.pattern)
        return self._text

    def _ascii(self) -> Any:
        if self._bytes is None:
            import re2

            try:
                source = self.pattern.encode("latin-1")
            except UnicodeEncodeError:  # characters beyond Latin-1 in the pattern: UTF-8 bytes
                self._bytes = re2.compile(self.pattern.encode("utf-8"))
            else:
                options = re2.Options()
                options.encoding = re2.Options.Encoding.LATIN1
                self._bytes = re2.compile(source, options)
        return self._bytes

    def search(self, text: str) -> bool:
        if text.isascii():
            return self._ascii().search(text.encode("ascii")) is not None
        return self.compiled.search(text) is not None

    def may_match(self, text: str) -> bool:
        """``search`` on ASCII text, ``True`` otherwise: a cheap gate before several scans.
        (A gate joining large Unicode classes can outgrow RE2's DFA memory on ``str``.)"""
        return not text.isascii() or self._ascii().search(text.encode("ascii")) is not None

    def spans(self, text: str, *groups: int) -> list[tuple[int, int]]:
        """``(start, end)`` of every match, or of the first of ``groups`` that took part."""
        if text.isascii():
            matches = self._ascii().finditer(text.encode("ascii"))
        else:
            matches = self.compiled.finditer(text)
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
