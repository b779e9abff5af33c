"""JSON Lines: one JSON object (or string) per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location
from sentinel_cli.origin import MARKER, TextOrigin, find_markers
from sentinel_cli.sources.base import BadRecord, Item
from sentinel_cli.sources.records import FieldMapper, RecordError
from sentinel_cli.sources.stream import BadLine, ByteInput, LineReader, iter_text_lines
from sentinel_cli.sources.text import _ByteSource


class JsonLinesSource(_ByteSource):
    def __init__(self, data: ByteInput, mapper: FieldMapper) -> None:
        super().__init__(data)
        self._mapper = mapper
        self._reader = LineReader(data)

    def would_block(self) -> bool:
        return self._reader.would_block()

    def __iter__(self) -> Iterator[Item]:
        row = 0
        decode = json.loads
        for number, line in iter_text_lines(self.data, self._reader):
            if isinstance(line, BadLine):
                row += 1
                yield BadRecord(InputError(self.name, line.reason, line=line.line, column=line.column))
                continue
            if not line.strip():
                continue
            row += 1
            origin = TextOrigin(markers=find_markers(line, number)) if MARKER in line else None
            location = Location(self.name, line=number, row=row, origin=origin)
            try:
                value = decode(line)
            except json.JSONDecodeError as exc:
                yield BadRecord(
                    InputError(self.name, f"malformed JSON: {exc.msg}", line=number, column=exc.colno)
                )
                continue
            try:
                yield self._mapper.from_value(value, location)
            except RecordError as exc:
                yield BadRecord(InputError(self.name, str(exc), line=number))
