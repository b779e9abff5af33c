"""String values of a TOML document, with their positions (keys and table names are not scanned).

``tomllib`` validates the document and gives the values; a small tokenizer
finds where each string sits. The two are compared, so a document this
tokenizer misreads is reported (and scanned as text) rather than mis-mapped.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter

from sentinel_cli.frozen import frozen
from sentinel_cli.origin import LineIndex, Marker, OriginBuilder
from sentinel_cli.sources.extract.base import Extracted, ExtractError, finish, render_path
from sentinel_cli.sources.extract.json_ import string_values

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}
_HEX = {"x": 2, "u": 4, "U": 8}
_TOKEN = re.compile(
    r"""[ \t]*(?:(?P<comment>\#[^\n]*)|(?P<nl>\r?\n)|(?P<str>"{3}|'{3}|"|')"""
    r"""|(?P<punct>[\[\]{}=,.])|(?P<bare>[^\s\[\]{}=,.\#"']+))"""
)


@frozen
class _Token:
    kind: str
    start: int
    end: int
    text: str = ""
    extracted: OriginBuilder | None = None


def _string_end(source: str, start: int, quote: str) -> int:
    """Index just after the string opened by ``quote`` at ``start``."""
    if len(quote) == 3:
        close = source.find(quote, start + 3) if quote == "'''" else _find_unescaped(source, quote, start + 3)
        if close < 0:
            raise ExtractError("unterminated multi-line string")
        end = close + 3
        while end < len(source) and source[end] == quote[0] and end - close < 5:
            end += 1
        return end
    close = source.find("'", start + 1) if quote == "'" else _find_unescaped(source, '"', start + 1)
    if close < 0:
        raise ExtractError("unterminated string")
    return close + 1


def _find_unescaped(source: str, needle: str, position: int) -> int:
    while True:
        found = source.find(needle, position)
        if found < 0:
            return -1
        backslashes = 0
        while source[found - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return found
        position = found + 1


def _decode(index: LineIndex, start: int, end: int, quote: str) -> OriginBuilder:
    source = index.source
    builder = OriginBuilder(index)
    width = len(quote)
    body_start, body_end = start + width, end - width
    if width == 3:
        if source.startswith("\r\n", body_start):
            body_start += 2
        elif source.startswith("\n", body_start):
            body_start += 1
    if quote[0] == "'":
        builder.verbatim(body_start, body_end)
        return builder
    run = position = body_start
    while (position := source.find("\\", position, body_end)) >= 0:
        builder.verbatim(run, position)
        escape = source[position + 1]
        if escape in _HEX:
            after = position + 2 + _HEX[escape]
            builder.char(chr(int(source[position + 2 : after], 16)), position, after)
        elif escape in _ESCAPES:
            after = position + 2
            builder.char(_ESCAPES[escape], position, after)
        else:
            # A line-ending backslash: drop it and all whitespace up to the next text.
            after = position + 1
            while after < body_end and source[after] in " \t\r\n":
                after += 1
            builder.skip(after)
        run = position = after
    builder.verbatim(run, body_end)
    return builder


def _tokens(index: LineIndex) -> list[_Token]:
    source = index.source
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            if source[position:].strip() == "":
                break
            raise ExtractError("unexpected character", index.position(position)[0])
        kind = match.lastgroup or ""
        if kind == "str":
            start = match.start("str")
            quote = match.group("str")
            end = _string_end(source, start, quote)
            tokens.append(_Token("str", start, end, extracted=_decode(index, start, end, quote)))
            position = end
            continue
        if kind == "nl":
            tokens.append(_Token("nl", match.start("nl"), match.end()))
        elif kind in ("punct", "bare"):
            tokens.append(_Token(kind, match.start(kind), match.end(), match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, index: LineIndex, tokens: list[_Token]) -> None:
        self.index = index
        self.tokens = tokens
        self.position = 0
        self.markers: dict[int, Marker] = index.markers()
        self.found: list[Extracted] = []
        self.array_tables: Counter[tuple[str | int, ...]] = Counter()

    def peek(self, skip_newlines: bool = False) -> _Token | None:
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            if not (skip_newlines and token.kind == "nl"):
                return token
            self.position += 1
        return None

    def take(self, skip_newlines: bool = False) -> _Token:
        token = self.peek(skip_newlines)
        if token is None:
            raise ExtractError("unexpected end of document")
        self.position += 1
        return token

    def key(self) -> list[str | int]:
        parts: list[str | int] = []
        while True:
            token = self.take()
            parts.append(token.extracted.text() if token.extracted is not None else token.text)
            following = self.peek()
            if following is None or following.text != ".":
                return parts
            self.position += 1

    def document(self) -> None:
        table: list[str | int] = []
        while (token := self.peek(skip_newlines=True)) is not None:
            if token.text == "[":
                self.position += 1
                is_array = self.peek() is not None and self.tokens[self.position].text == "["
                if is_array:
                    self.position += 1
                table = self.key()
                self.take()
                if is_array:
                    self.take()
                    path = tuple(table)
                    table = [*table, self.array_tables[path]]
                    self.array_tables[path] += 1
                continue
            parts = self.key()
            self.take()  # =
            self.value([*table, *parts])

    def value(self, path: list[str | int]) -> None:
        token = self.take(skip_newlines=True)
        if token.extracted is not None:
            builder = token.extracted
            if builder.text().strip():
                comment_line = self.index.position(token.end - 1)[0]
                self.found.append(
                    finish(
                        builder,
                        self.markers,
                        token.start,
                        token.end,
                        key=render_path(path),
                        comment_line=comment_line,
                    )
                )
        elif token.text == "[":
            item = 0
            while (following := self.peek(skip_newlines=True)) is not None and following.text != "]":
                if following.text == ",":
                    self.position += 1
                    continue
                self.value([*path, item])
                item += 1
            self.take(skip_newlines=True)
        elif token.text == "{":
            while (following := self.peek(skip_newlines=True)) is not None and following.text != "}":
                if following.text == ",":
                    self.position += 1
                    continue
                parts = self.key()
                self.take()  # =
                self.value([*path, *parts])
            self.take()
        else:
            # A number, boolean or date: bare words joined by dots (1.5, 07:32:00.999).
            while (following := self.peek()) is not None and (
                following.kind == "bare" or following.text == "."
            ):
                self.position += 1


def extract_toml(source: str, index: LineIndex) -> list[Extracted]:
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ExtractError(f"not valid TOML ({exc})") from None
    parser = _Parser(index, _tokens(index))
    try:
        parser.document()
    except (IndexError, ValueError) as exc:
        raise ExtractError(f"could not follow the document structure ({exc})") from None
    expected = Counter(value for value in string_values(document) if value.strip())
    if Counter(item.text for item in parser.found) != expected:
        raise ExtractError("string positions could not be matched to the parsed values")
    return parser.found
