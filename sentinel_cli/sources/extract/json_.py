"""String values of a JSON document, with their positions (object keys are not scanned)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator

from sentinel_cli.origin import LineIndex, OriginBuilder
from sentinel_cli.sources.extract.base import Extracted, ExtractError, finish, render_path

_SIGNIFICANT = re.compile(r'[{}\[\],:"]')
_STRING_SPECIAL = re.compile(r'["\\]')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def string_values(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from string_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from string_values(item)


def decode_string(builder: OriginBuilder, start: int) -> int:
    """Decode the JSON string whose opening quote is at ``start``; returns the index after it."""
    source = builder.index.source
    run = position = start + 1
    while True:
        match = _STRING_SPECIAL.search(source, position)
        if match is None:
            raise ExtractError("unterminated string")
        position = match.start()
        if source[position] == '"':
            builder.verbatim(run, position)
            return position + 1
        builder.verbatim(run, position)
        escape = source[position + 1]
        if escape == "u":
            code = int(source[position + 2 : position + 6], 16)
            after = position + 6
            if 0xD800 <= code < 0xDC00 and source.startswith("\\u", after):
                low = int(source[after + 2 : after + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    after += 6
            builder.char(chr(code), position, after)
        else:
            after = position + 2
            builder.char(_ESCAPES[escape], position, after)
        run = position = after


def extract_json(source: str, index: LineIndex) -> list[Extracted]:
    try:
        document = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ExtractError(f"not valid JSON ({exc.msg})", exc.lineno) from None
    markers = index.markers()
    # Each open container: [is an object, a key comes next].
    stack: list[list[bool]] = []
    path: list[str | int] = []
    found: list[Extracted] = []
    position = 0
    while True:
        match = _SIGNIFICANT.search(source, position)
        if match is None:
            break
        char, position = match.group(), match.start()
        if char == '"':
            builder = OriginBuilder(index)
            end = decode_string(builder, position)
            if stack and stack[-1][0] and stack[-1][1]:
                path[-1] = builder.text()
            else:
                text = builder.text()
                if text.strip():
                    found.append(finish(builder, markers, position, end, key=render_path(path)))
            position = end
            continue
        if char in "{[":
            is_object = char == "{"
            stack.append([is_object, is_object])
            path.append("" if is_object else 0)
        elif char in "}]":
            stack.pop()
            path.pop()
        elif char == ":":
            stack[-1][1] = False
        elif char == ",":
            top = stack[-1]
            if top[0]:
                top[1] = True
            else:
                index_part = path[-1]
                assert isinstance(index_part, int)
                path[-1] = index_part + 1
        position += 1
    if Counter(item.text for item in found) != Counter(v for v in string_values(document) if v.strip()):
        raise ExtractError("string positions could not be matched to the parsed values")
    return found
