"""Plain text: one prompt per line (``lines``) or the whole input as one prompt (``text``)."""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location, Prompt
from sentinel_cli.origin import LineIndex, OriginBuilder, TextOrigin, find_markers
from sentinel_cli.sources.base import BadRecord, Item, Source
from sentinel_cli.sources.records import default_id
from sentinel_cli.sources.stream import BadLine, ByteInput, LineReader, iter_text_lines


class _ByteSource(Source):
    def __init__(self, data: ByteInput) -> None:
        self.data = data
        self.name = data.name

    def progress(self) -> tuple[int, int | None]:
        return self.data.position(), self.data.size

    def close(self) -> None:
        self.data.close()


class LinesSource(_ByteSource):
    """Each non-blank line is a prompt; blank lines are skipped."""

    def __init__(self, data: ByteInput) -> None:
        super().__init__(data)
        self._reader = LineReader(data)

    def would_block(self) -> bool:
        return self._reader.would_block()

    def __iter__(self) -> Iterator[Item]:
        row = 0
        for number, line in iter_text_lines(self.data, self._reader):
            if isinstance(line, BadLine):
                row += 1
                yield BadRecord(InputError(self.name, line.reason, line=line.line, column=line.column))
                continue
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            row += 1
            origin = TextOrigin(((0, number, 1),), find_markers(text, number))
            location = Location(self.name, line=number, row=row, column=1, origin=origin)
            yield Prompt(id=default_id(location), text=text, location=location)


class TextSource(_ByteSource):
    """The whole input is one prompt (a document, a prompt template)."""

    def __iter__(self) -> Iterator[Item]:
        parts: list[str] = []
        for _number, line in iter_text_lines(self.data):
            if isinstance(line, BadLine):
                raise InputError(self.name, line.reason, line=line.line, column=line.column)
            parts.append(line)
        text = "".join(parts)
        if not text.strip():
            return
        yield text_prompt(self.name, text)


def text_prompt(name: str, text: str, index: LineIndex | None = None) -> Prompt:
    """The whole text as one prompt, every character mapped to its line and column."""
    builder = OriginBuilder(index or LineIndex(text))
    builder.verbatim(0, len(text))
    origin = builder.origin(find_markers(text))
    return Prompt(id=name, text=text, location=Location(name, line=1, row=1, column=1, origin=origin))
