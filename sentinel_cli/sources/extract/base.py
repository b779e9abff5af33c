"""What extractors return, and the helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sentinel_cli.frozen import frozen
from sentinel_cli.origin import LineIndex, Marker, OriginBuilder, TextOrigin


@frozen
class Extracted:
    """One string found in a file."""

    text: str
    origin: TextOrigin
    line: int
    column: int
    key: str | None = None
    """Where the value sits in a structured file (``prompts[0].content``); ``None`` in code."""


class ExtractError(Exception):
    """The file is not valid in its language; the caller scans it as plain text instead."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


Extractor = Callable[[str, LineIndex], list[Extracted]]


def markers_for(
    markers: Mapping[int, Marker], first_line: int, last_line: int, comment_line: int | None
) -> tuple[Marker, ...]:
    """Markers on the lines a string spans, plus the line a trailing comment may use."""
    if not markers:
        return ()
    lines = set(range(first_line, last_line + 1))
    if comment_line is not None:
        lines.add(comment_line)
    return tuple(markers[line] for line in sorted(lines) if line in markers)


def finish(
    builder: OriginBuilder,
    markers: Mapping[int, Marker],
    start: int,
    end: int,
    *,
    key: str | None = None,
    comment_line: int | None = None,
) -> Extracted:
    """Package what ``builder`` collected for the literal at ``source[start:end]``."""
    first_line, first_column = builder.index.position(start)
    last_line = builder.index.position(max(end - 1, start))[0]
    found = markers_for(markers, first_line, last_line, comment_line)
    origin = builder.origin(found, comment_line)
    text = builder.text()
    if origin.anchors:
        first_line, first_column = origin.anchors[0][1], origin.anchors[0][2]
    return Extracted(text, origin, first_line, first_column, key)


def render_path(parts: list[str | int]) -> str:
    """``["prompts", 0, "a b"]`` -> ``prompts[0]["a b"]``; the root is ``$``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "a").replace("-", "a").isalnum():
            out += f".{part}" if out else part
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out or "$"
