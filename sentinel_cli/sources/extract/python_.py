"""String literals of Python source, with their positions.

``tokenize`` finds the literals (so comments and code are never mistaken for
strings); adjacent literals (implicit concatenation) are joined into one
prompt, as Python joins them. Escapes are decoded here so every character
keeps its position. f-strings are scanned with their ``{...}`` fields left as
written; bytes literals are skipped.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
import warnings

from sentinel_cli.origin import LineIndex, Marker, OriginBuilder, TextOrigin
from sentinel_cli.sources.extract.base import Extracted, ExtractError, finish, markers_for

_SIMPLE = {
    "\\": "\\", "'": "'", '"': '"', "a": "\x07", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\x0b",
}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}
_OCTAL = re.compile(r"[0-7]{1,3}")
_PREFIX = re.compile(r"[A-Za-z]*")
_JOINERS = {tokenize.NL, tokenize.COMMENT}
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def decode_python_escapes(builder: OriginBuilder, start: int, end: int) -> None:
    source = builder.index.source
    run = position = start
    while (position := source.find("\\", position, end)) >= 0:
        builder.verbatim(run, position)
        escape = source[position + 1 : position + 2]
        after = position + 2
        if escape in _SIMPLE:
            builder.char(_SIMPLE[escape], position, after)
        elif escape in ("\n", "\r"):
            after += 1 if source.startswith("\r\n", position + 1) else 0
            builder.skip(after)
        elif escape in _HEX:
            after += _HEX[escape]
            builder.char(chr(int(source[position + 2 : after], 16)), position, after)
        elif escape == "N" and source.startswith("{", after):
            close = source.index("}", after)
            builder.char(unicodedata.lookup(source[after + 1 : close]), position, close + 1)
            after = close + 1
        elif (octal := _OCTAL.match(source, position + 1)) is not None:
            after = octal.end()
            builder.char(chr(int(octal.group(), 8)), position, after)
        else:
            # Unknown escapes keep their backslash.
            builder.verbatim(position, after)
        run = position = after
    builder.verbatim(run, end)


def _literal(builder: OriginBuilder, start: int, end: int) -> bool:
    """Append one literal's value; False for bytes literals."""
    source = builder.index.source
    prefix = _PREFIX.match(source, start)
    assert prefix is not None
    letters = prefix.group().lower()
    if "b" in letters:
        return False
    body = prefix.end()
    quote = 3 if source.startswith(('"""', "'''"), body) else 1
    if "r" in letters:
        builder.verbatim(body + quote, end - quote)
    else:
        decode_python_escapes(builder, body + quote, end - quote)
    return True


def _offset(index: LineIndex, row: int, column: int) -> int:
    return index.starts[row - 1] + column


def _string_spans(source: str, index: LineIndex) -> list[list[tuple[int, int]]]:
    """Groups of adjacent literals, each literal as ``(start, end)`` offsets."""
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    depth = 0  # nesting of f-strings tokenized piece by piece (Python 3.12+)
    fstring_start = 0
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        kind = token.type
        if _FSTRING_START is not None and kind == _FSTRING_START:
            if depth == 0:
                fstring_start = _offset(index, *token.start)
            depth += 1
            continue
        if depth:
            if kind == _FSTRING_END:
                depth -= 1
                if depth == 0:
                    current.append((fstring_start, _offset(index, *token.end)))
            continue
        if kind == tokenize.STRING:
            current.append((_offset(index, *token.start), _offset(index, *token.end)))
        elif kind not in _JOINERS and current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def extract_python(source: str, index: LineIndex) -> list[Extracted]:
    try:
        groups = _string_spans(source, index)
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ExtractError(f"not valid Python ({exc.args[0] if exc.args else exc})") from None
    markers: dict[int, Marker] = index.markers()
    found = []
    for group in groups:
        builder = OriginBuilder(index)
        if not all(_literal(builder, start, end) for start, end in group):
            continue
        text = builder.text()
        if not text.strip():
            continue
        start, end = group[0][0], group[-1][1]
        comment_line = index.position(end - 1)[0]
        expected = _value(source[start:end])
        if expected is None or expected == text:
            found.append(finish(builder, markers, start, end, comment_line=comment_line))
        else:
            # Decoding disagreed with Python's: keep the literal's start, not its columns.
            line, column = index.position(start)
            origin = TextOrigin((), markers_for(markers, line, comment_line, comment_line), None)
            found.append(Extracted(expected, origin, line, column))
    return found


def _value(literal: str) -> str | None:
    """Python's own value of a (concatenated) literal; ``None`` for f-strings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = ast.literal_eval(f"(\n{literal}\n)")
        except (SyntaxError, ValueError):
            return None
    return value if isinstance(value, str) else None
