"""JSON documents: an array of objects or strings (or a single object). Read whole."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location
from sentinel_cli.origin import MARKER, TextOrigin, find_markers
from sentinel_cli.sources.base import BadRecord, Item
from sentinel_cli.sources.records import FieldMapper, RecordError
from sentinel_cli.sources.stream import ByteInput, sniff_encoding
from sentinel_cli.sources.text import _ByteSource

_WHITESPACE = " \t\r\n"


class JsonSource(_ByteSource):
    def __init__(self, data: ByteInput, mapper: FieldMapper) -> None:
        super().__init__(data)
        self._mapper = mapper
        self._total: int | None = None
        self._done = 0

    def progress(self) -> tuple[int, int | None]:
        return self._done, self._total

    def _text(self) -> str:
        raw = self.data.read_all()
        encoding = sniff_encoding(self.data)
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise InputError(self.name, f"invalid {encoding.upper()}", line=line, column=column) from None

    def __iter__(self) -> Iterator[Item]:
        text = self._text()
        decoder = json.JSONDecoder()
        index = _skip(text, 0)
        if index == len(text):
            return
        if text[index] != "[":
            value, end = self._decode(decoder, text, index)
            self._total = 1
            line = _line(text, index)
            origin = _markers(text, index, end, line)
            yield from self._record(value, Location(self.name, line=line, row=1, origin=origin))
            self._done = 1
            return
        index = _skip(text, index + 1)
        row = 0
        line, counted_to = 1, 0
        while index < len(text) and text[index] != "]":
            line += text.count("\n", counted_to, index)
            counted_to = index
            start = index
            value, index = self._decode(decoder, text, index)
            row += 1
            origin = _markers(text, start, index, line)
            yield from self._record(value, Location(self.name, line=line, row=row, origin=origin))
            self._done = row
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index = _skip(text, index + 1)
            elif index < len(text) and text[index] != "]":
                raise self._error(text, index, "expected ',' or ']' between array items")
        if index >= len(text):
            raise self._error(text, len(text), "unterminated JSON array")

    def _record(self, value: object, location: Location) -> Iterator[Item]:
        try:
            yield self._mapper.from_value(value, location)
        except RecordError as exc:
            yield BadRecord(InputError(self.name, str(exc), line=location.line, row=location.row))

    def _decode(self, decoder: json.JSONDecoder, text: str, index: int) -> tuple[object, int]:
        try:
            return decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise InputError(
                self.name, f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno
            ) from None

    def _error(self, text: str, index: int, message: str) -> InputError:
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return InputError(self.name, f"malformed JSON: {message}", line=_line(text, index), column=column)


def _markers(text: str, start: int, end: int, line: int) -> TextOrigin | None:
    """Suppression comments inside one record (``None`` in the usual case of none)."""
    if text.find(MARKER, start, end) < 0:
        return None
    return TextOrigin(markers=find_markers(text[start:end], line))


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1
