"""Offset maps: how a span of a transformed text maps back to the text it came from.

Every view of a prompt is built from a parent text by a chain of
transformations. Each step records a ``SpanMap``; a view maps a match back
to the original by applying its maps from the innermost outwards. Maps only
ever widen a span, so a reported span always covers the characters that
produced the match, and the final result is clamped into the original text.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import Protocol

from sentinel_cli.frozen import frozen


class SpanMap(Protocol):
    """Maps ``[start, end)`` in a derived text to ``[start, end)`` in its parent."""

    def span(self, start: int, end: int) -> tuple[int, int]: ...


@frozen
class Shifted:
    """The derived text is ``parent[offset:offset + length]`` (a chunk of it)."""

    offset: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        return start + self.offset, end + self.offset


@frozen
class Block:
    """The whole derived text stands for one parent span (a decoded payload)."""

    start: int
    end: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.start, self.end


@frozen
class Reversed:
    """The derived text is the parent reversed."""

    length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.length - end, self.length - start


class Piecewise:
    """Segments of the derived text that are either copied 1:1 from the parent or
    replace a parent span as a block (NFKC expansions, removed characters, decoded runs)."""

    __slots__ = ("_linear", "_out", "_src_end", "_src_start")

    def __init__(self, out: array[int], src_start: array[int], src_end: array[int], linear: bytes) -> None:
        self._out = out
        self._src_start = src_start
        self._src_end = src_end
        self._linear = linear

    def _locate(self, position: int) -> tuple[int, int]:
        """Parent offsets ``(start, end)`` of the derived character at ``position``."""
        index = max(bisect_right(self._out, position) - 1, 0)
        if self._linear[index]:
            at = self._src_start[index] + position - self._out[index]
            return at, at + 1
        return self._src_start[index], self._src_end[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        if not self._out:
            return 0, 0
        first = self._locate(start)
        if end <= start:
            return first[0], first[0]
        return first[0], self._locate(end - 1)[1]


class MapBuilder:
    """Builds a derived text piece by piece together with its ``Piecewise`` map."""

    __slots__ = ("_length", "_linear", "_out", "_parts", "_src_end", "_src_start")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._out = array("q")
        self._src_start = array("q")
        self._src_end = array("q")
        self._linear = bytearray()
        self._length = 0

    def copy(self, text: str, src_start: int) -> None:
        """Append ``text``, which is ``parent[src_start:src_start + len(text)]`` unchanged."""
        if not text:
            return
        last = len(self._linear) - 1
        if (
            last >= 0
            and self._linear[last]
            and self._src_start[last] + (self._length - self._out[last]) == src_start
        ):
            self._src_end[last] = src_start + len(text)
        else:
            self._add(src_start, src_start + len(text), linear=True)
        self._parts.append(text)
        self._length += len(text)

    def replace(self, text: str, src_start: int, src_end: int) -> None:
        """Append ``text`` standing for ``parent[src_start:src_end]`` as a whole (may be empty)."""
        if not text:
            return
        self._add(src_start, src_end, linear=False)
        self._parts.append(text)
        self._length += len(text)

    def _add(self, src_start: int, src_end: int, *, linear: bool) -> None:
        self._out.append(self._length)
        self._src_start.append(src_start)
        self._src_end.append(src_end)
        self._linear.append(1 if linear else 0)

    def build(self) -> tuple[str, Piecewise]:
        return "".join(self._parts), Piecewise(self._out, self._src_start, self._src_end, bytes(self._linear))
