"""String literals of JavaScript and TypeScript source, with their positions.

A small tokenizer: it skips comments and regular expression literals (told
from division by the token before them, as JavaScript engines do), reads
'...', "..." and `...` literals and decodes their escapes. Template
literals keep their ``${...}`` fields as written. A quote left open at the
end of a line (as in JSX text, "don't") ends there, so one odd line never
swallows the rest of the file.
"""

from __future__ import annotations

import re

from sentinel_cli.origin import LineIndex, Marker, OriginBuilder
from sentinel_cli.sources.extract.base import Extracted, finish

_SIMPLE = {
    "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\x0b", "0": "\0",
}  # fmt: skip
_REGEX_AFTER_WORDS = frozenset(
    {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do"}
    | {"else", "yield", "await"}
)
_WORD = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]+")
_HEX_ESCAPE = re.compile(r"x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}")


def _escape(builder: OriginBuilder, position: int, end: int) -> int:
    """Decode the escape at ``position`` (a backslash); returns the index after it."""
    source = builder.index.source
    escape = source[position + 1 : position + 2]
    if escape in ("\n", "\r", "\u2028", "\u2029"):
        after = position + (3 if source.startswith("\r\n", position + 1) else 2)
        builder.skip(after)
        return after
    match = _HEX_ESCAPE.match(source, position + 1, end)
    if match is not None:
        code = int(next(group for group in match.groups() if group is not None), 16)
        builder.char(chr(code) if code <= 0x10FFFF else "\ufffd", position, match.end())
        return match.end()
    builder.char(_SIMPLE.get(escape, escape), position, position + 2)
    return position + 2


class _Scanner:
    def __init__(self, index: LineIndex) -> None:
        self.index = index
        self.source = index.source
        self.markers: dict[int, Marker] = index.markers()
        self.found: list[Extracted] = []

    def string(self, start: int) -> int:
        """A '...' or "..." literal; returns the index after it."""
        source, quote = self.source, self.source[start]
        builder = OriginBuilder(self.index)
        run = position = start + 1
        while position < len(source):
            char = source[position]
            if char in (quote, "\n"):
                break
            if char == "\\":
                builder.verbatim(run, position)
                run = position = _escape(builder, position, len(source))
                continue
            position += 1
        builder.verbatim(run, position)
        end = position + 1 if position < len(source) and source[position] == quote else position
        self.emit(builder, start, end)
        return end

    def template(self, start: int) -> int:
        """A `...` literal, ``${...}`` fields kept as written; returns the index after it."""
        source = self.source
        builder = OriginBuilder(self.index)
        run = position = start + 1
        while position < len(source):
            char = source[position]
            if char == "`":
                break
            if char == "\\":
                builder.verbatim(run, position)
                run = position = _escape(builder, position, len(source))
                continue
            if source.startswith("${", position):
                field_end = self.code(position + 2, closing="}")
                builder.verbatim(run, field_end)
                run = position = field_end
                continue
            position += 1
        builder.verbatim(run, position)
        end = min(position + 1, len(source))
        self.emit(builder, start, end)
        return end

    def emit(self, builder: OriginBuilder, start: int, end: int) -> None:
        if builder.text().strip():
            comment_line = self.index.position(max(end - 1, start))[0]
            self.found.append(finish(builder, self.markers, start, end, comment_line=comment_line))

    def code(self, position: int, closing: str | None = None) -> int:
        """Scan code from ``position``; with ``closing``, stop after the brace that closes a field."""
        source = self.source
        depth = 0
        regex_allowed = True
        while position < len(source):
            char = source[position]
            if char in " \t\r\n":
                position += 1
                continue
            if source.startswith("//", position):
                newline = source.find("\n", position)
                position = len(source) if newline < 0 else newline
                continue
            if source.startswith("/*", position):
                close = source.find("*/", position + 2)
                position = len(source) if close < 0 else close + 2
                continue
            if char in "'\"":
                position, regex_allowed = self.string(position), False
                continue
            if char == "`":
                position, regex_allowed = self.template(position), False
                continue
            if char == "/" and regex_allowed:
                position, regex_allowed = self.regex(position), False
                continue
            word = _WORD.match(source, position)
            if word is not None:
                position = word.end()
                regex_allowed = word.group() in _REGEX_AFTER_WORDS
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0 and closing is not None:
                    return position + 1
                depth -= 1
            regex_allowed = char not in ")]"
            position += 1
        return position

    def regex(self, start: int) -> int:
        source = self.source
        position = start + 1
        in_class = False
        while position < len(source) and source[position] != "\n":
            char = source[position]
            if char == "\\":
                position += 2
                continue
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                word = _WORD.match(source, position + 1)
                return word.end() if word is not None else position + 1
            position += 1
        return position


def extract_javascript(source: str, index: LineIndex) -> list[Extracted]:
    scanner = _Scanner(index)
    scanner.code(0)
    return scanner.found
