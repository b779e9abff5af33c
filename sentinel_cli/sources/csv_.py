"""CSV (and TSV) with a header row, streamed."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location
from sentinel_cli.origin import MARKER, Marker, TextOrigin, parse_marker
from sentinel_cli.sources.base import BadRecord, Item
from sentinel_cli.sources.records import FieldMapper, RecordError
from sentinel_cli.sources.stream import BadLine, ByteInput, LineReader, iter_text_lines
from sentinel_cli.sources.text import _ByteSource

# Prompts can be long documents; the csv module's default 128 KiB field limit is not enough.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _LineFeed:
    """Feeds decoded lines to ``csv.reader`` and remembers where each record started."""

    def __init__(self, source: CsvSource) -> None:
        self._lines = iter_text_lines(source.data, source._reader)
        self._name = source.name
        self.line = 0
        self.markers: list[Marker] = []
        self.bad: BadLine | None = None
        """The first undecodable line of the record being read: the record is reported bad."""

    def take_markers(self) -> TextOrigin | None:
        """Suppression comments on the lines read since the last call."""
        if not self.markers:
            return None
        origin = TextOrigin(markers=tuple(self.markers))
        self.markers = []
        return origin

    def take_bad(self) -> BadLine | None:
        """The undecodable line of the record just read, if any (and forget it)."""
        bad, self.bad = self.bad, None
        return bad

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        number, text = next(self._lines)
        self.line = number
        if isinstance(text, BadLine):
            # Read on with the replaced text so the parser keeps its place in quoted fields.
            self.bad = self.bad or text
            text = text.text
        if MARKER in text and (marker := parse_marker(text, number)) is not None:
            self.markers.append(marker)
        return text


class CsvSource(_ByteSource):
    def __init__(self, data: ByteInput, mapper: FieldMapper, *, delimiter: str = ",") -> None:
        super().__init__(data)
        self._mapper = mapper
        self._delimiter = delimiter
        self._reader = LineReader(data)

    def would_block(self) -> bool:
        return self._reader.would_block()

    def __iter__(self) -> Iterator[Item]:
        feed = _LineFeed(self)
        reader = csv.reader(feed, delimiter=self._delimiter, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(self.name, f"malformed CSV header: {exc}", line=feed.line) from None
        if header is None:
            return
        if (bad := feed.take_bad()) is not None:
            raise InputError(self.name, bad.reason, line=bad.line, column=bad.column)
        feed.take_markers()
        try:
            column = self._mapper.choose_column(header)
        except RecordError as exc:
            raise InputError(self.name, str(exc), line=1) from None
        row = 0
        while True:
            start = feed.line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row += 1
                feed.take_bad()
                yield BadRecord(InputError(self.name, f"malformed CSV: {exc}", line=start))
                continue
            if (bad := feed.take_bad()) is not None:
                row += 1
                feed.take_markers()
                yield BadRecord(InputError(self.name, bad.reason, line=bad.line, column=bad.column))
                continue
            if not values or all(not value.strip() for value in values):
                continue
            row += 1
            location = Location(self.name, line=start, row=row, origin=feed.take_markers())
            if len(values) != len(header):
                yield BadRecord(
                    InputError(
                        self.name,
                        f"row has {len(values)} fields but the header has {len(header)}",
                        line=start,
                    )
                )
                continue
            record = dict(zip(header, values, strict=True))
            try:
                yield self._mapper.from_field(record, column, location)
            except RecordError as exc:
                yield BadRecord(InputError(self.name, str(exc), line=start))
