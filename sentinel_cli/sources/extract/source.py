"""The reader for repository files: every string an extractor finds becomes a prompt."""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location, Prompt
from sentinel_cli.origin import LineIndex
from sentinel_cli.sources.base import Item
from sentinel_cli.sources.extract.base import ExtractError, Extractor
from sentinel_cli.sources.records import default_id
from sentinel_cli.sources.stream import ByteInput, sniff_encoding
from sentinel_cli.sources.text import _ByteSource, text_prompt

LANGUAGES = ("json", "yaml", "toml", "python", "javascript")


def extractor_for(language: str) -> Extractor:
    # Imported on demand: YAML is only loaded when a YAML file is scanned.
    if language == "json":
        from sentinel_cli.sources.extract.json_ import extract_json

        return extract_json
    if language == "yaml":
        from sentinel_cli.sources.extract.yaml_ import extract_yaml

        return extract_yaml
    if language == "toml":
        from sentinel_cli.sources.extract.toml_ import extract_toml

        return extract_toml
    if language == "python":
        from sentinel_cli.sources.extract.python_ import extract_python

        return extract_python
    if language == "javascript":
        from sentinel_cli.sources.extract.javascript import extract_javascript

        return extract_javascript
    raise ValueError(f"no extractor for {language!r}")


def read_text(data: ByteInput) -> str:
    """The whole input decoded (byte-order marks honoured); bad bytes are an ``InputError``."""
    raw = data.read_all()
    encoding = sniff_encoding(data)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(data.name, f"invalid {encoding.upper()}", line=line, column=column) from None


class StringsSource(_ByteSource):
    """Each string value or literal of a file is one prompt. A file its language's parser
    rejects is scanned as plain text instead, with a note."""

    def __init__(self, data: ByteInput, language: str, notes: list[str] | None = None) -> None:
        super().__init__(data)
        self.language = language
        self._extract = extractor_for(language)
        self._notes = notes if notes is not None else []

    def __iter__(self) -> Iterator[Item]:
        text = read_text(self.data)
        index = LineIndex(text)
        try:
            found = self._extract(text, index)
        except ExtractError as exc:
            where = f"{self.name}:{exc.line}" if exc.line else self.name
            self._notes.append(f"{where}: {exc}; scanned as plain text")
            if text.strip():
                yield text_prompt(self.name, text, index)
            return
        for row, item in enumerate(found, start=1):
            location = Location(self.name, line=item.line, row=row, column=item.column, origin=item.origin)
            identity = f"{self.name}#{item.key}" if item.key is not None else default_id(location)
            yield Prompt(id=identity, text=item.text, location=location)
