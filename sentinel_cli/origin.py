"""Where a prompt's characters sit in their file, and the inline suppressions on those lines.

A prompt taken from a file is often not a verbatim slice of it: a JSON or
Python string has escapes, a YAML scalar is folded, implicitly concatenated
literals are joined. ``TextOrigin`` keeps just enough to map any character
offset of the prompt back to a line and column of the file (for SARIF regions
and suppression comments): a sorted list of anchors, each saying "text offset
``t`` is at line ``l``, column ``c``, and the characters after it advance one
column each until the next anchor".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from sentinel_cli.frozen import frozen
from sentinel_cli.lazyre import lazy

MARKER = "sentinel:"
_MARKER_RE = lazy(r"sentinel:\s*ignore\[([^\]\n]*)\]([^\n]*)")
_REASON_LEAD = " \t-–—:;,"
_REASON_TRAIL = " \t\r\"'`,;)]}"
_CLOSERS = ("-->", "*/", "#}", "%}", "}}")


@frozen
class Marker:
    """A ``sentinel: ignore[RULE, ...] reason`` comment on one line of a file."""

    line: int
    rules: frozenset[str]
    """Rule ids, upper-cased (matching is case-insensitive)."""
    reason: str

    def covers(self, rule_id: str) -> bool:
        return rule_id.upper() in self.rules


@frozen
class Region:
    """1-based lines and columns; the end column is exclusive, as in SARIF."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


@frozen
class TextOrigin:
    """Maps offsets of a prompt's text to positions in its file."""

    anchors: tuple[tuple[int, int, int], ...] = ()
    """``(text offset, line, column)``, sorted by offset; empty when positions are unknown."""
    markers: tuple[Marker, ...] = ()
    """Suppression comments on the lines this prompt came from."""
    comment_line: int | None = None
    """For string literals in code: the line where the literal ends, where a
    trailing comment can suppress findings anywhere in it."""
    ends: tuple[tuple[int, int, int], ...] = ()
    """``(text offset, line, column)`` just past the source of characters that came from
    more than one source character (escapes); every other character is one column wide."""

    def position(self, offset: int) -> tuple[int, int] | None:
        """``(line, column)`` of the character at ``offset`` (or just past the end)."""
        if not self.anchors:
            return None
        index = max(bisect_right(self.anchors, offset, key=lambda anchor: anchor[0]) - 1, 0)
        start, line, column = self.anchors[index]
        return line, column + max(offset - start, 0)

    def end_position(self, offset: int) -> tuple[int, int] | None:
        """``(line, column)`` just past the source of the character at ``offset``."""
        index = bisect_right(self.ends, offset, key=lambda end: end[0]) - 1
        if index >= 0 and self.ends[index][0] == offset:
            return self.ends[index][1], self.ends[index][2]
        position = self.position(offset)
        return None if position is None else (position[0], position[1] + 1)

    def region(self, start: int, end: int) -> Region | None:
        """The source span of ``text[start:end]``: from its first character to just past its
        last one (an empty span is empty at ``start``)."""
        first = self.position(start)
        if first is None:
            return None
        last = self.end_position(end - 1) if end > start else first
        assert last is not None
        return Region(first[0], first[1], last[0], last[1])


def clean_reason(text: str) -> str:
    reason = text.strip()
    for closer in _CLOSERS:
        if reason.endswith(closer):
            reason = reason[: -len(closer)]
    return reason.strip(_REASON_TRAIL).lstrip(_REASON_LEAD).strip()


def parse_marker(line_text: str, line: int) -> Marker | None:
    """The marker on one line of text, if there is one."""
    if MARKER not in line_text:
        return None
    match = _MARKER_RE().search(line_text)
    if match is None:
        return None
    rules = frozenset(part.upper() for part in re.split(r"[\s,]+", match.group(1)) if part)
    if not rules:
        return None
    return Marker(line=line, rules=rules, reason=clean_reason(match.group(2)))


def find_markers(text: str, first_line: int = 1) -> tuple[Marker, ...]:
    """Every marker in ``text``, whose first line is line ``first_line`` of the file."""
    if MARKER not in text:
        return ()
    found = []
    for number, line_text in enumerate(text.split("\n"), start=first_line):
        marker = parse_marker(line_text, number)
        if marker is not None:
            found.append(marker)
    return tuple(found)


class LineIndex:
    """Line and column of character offsets in one source text."""

    def __init__(self, source: str) -> None:
        self.source = source
        starts = [0]
        find = source.find
        position = find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.source)
        return self.source[start:end]

    def markers(self) -> dict[int, Marker]:
        """Every marker in the source, by line."""
        return {marker.line: marker for marker in find_markers(self.source)}


class OriginBuilder:
    """Builds a prompt's text from pieces of a source text, keeping their positions."""

    def __init__(self, index: LineIndex) -> None:
        self.index = index
        self._parts: list[str] = []
        self._length = 0
        self._anchors: list[tuple[int, int]] = []  # (text offset, source offset)
        self._ends: list[tuple[int, int]] = []  # (text offset, source offset past it)

    @property
    def length(self) -> int:
        return self._length

    def verbatim(self, start: int, end: int) -> None:
        """Append ``source[start:end]`` unchanged."""
        if end <= start:
            return
        source = self.index.source
        self._parts.append(source[start:end])
        base = self._length - start
        self._anchors.append((self._length, start))
        position = source.find("\n", start, end)
        while position >= 0:
            self._anchors.append((base + position + 1, position + 1))
            position = source.find("\n", position + 1, end)
        self._length += end - start

    def char(self, text: str, start: int, end: int) -> None:
        """Append ``text`` (an escape's value) that stands for ``source[start:end]``."""
        self._anchors.append((self._length, start))
        self._parts.append(text)
        self._length += len(text)
        self._anchors.append((self._length, end))
        if text and end - start != len(text):
            self._ends.append((self._length - 1, end))

    def skip(self, end: int) -> None:
        """Source up to ``end`` produced no text (a line continuation, folded indentation)."""
        self._anchors.append((self._length, end))

    def text(self) -> str:
        return "".join(self._parts)

    def origin(self, markers: tuple[Marker, ...] = (), comment_line: int | None = None) -> TextOrigin:
        position = self.index.position
        ends = tuple((offset, *position(end)) for offset, end in self._ends)
        return TextOrigin(tuple(self._compressed()), markers, comment_line, ends)

    def _compressed(self) -> Iterator[tuple[int, int, int]]:
        # Later anchors at the same text offset win (the source jumped there).
        last_by_offset: dict[int, int] = {}
        for offset, source_offset in self._anchors:
            last_by_offset[offset] = source_offset
        previous: tuple[int, int, int] | None = None
        for offset in sorted(last_by_offset):
            line, column = self.index.position(last_by_offset[offset])
            if previous is not None and line == previous[1] and column == previous[2] + offset - previous[0]:
                continue
            previous = (offset, line, column)
            yield previous
