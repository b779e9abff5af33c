"""String values of YAML documents, with their positions (mapping keys are not scanned).

PyYAML composes the node tree (so anchors, tags and every scalar style are
read by a complete parser) and gives each scalar's start and end. Positions
inside a scalar are rebuilt here per style (plain and quoted scalars fold
lines, block scalars strip indentation) and checked against PyYAML's value;
a scalar whose rebuilt text differs keeps only its start line.
"""

from __future__ import annotations

from typing import Any

from sentinel_cli.origin import LineIndex, Marker, OriginBuilder, TextOrigin
from sentinel_cli.sources.extract.base import Extracted, ExtractError, finish, markers_for, render_path

_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}
_NOT_TEXT = {
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "timestamp", "binary", "merge", "value", "yaml")
}


def _lines(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each line in ``source[start:end]``, without the line break."""
    spans = []
    position = start
    while True:
        newline = source.find("\n", position, end)
        stop = end if newline < 0 else newline
        line_end = stop - 1 if stop > position and source[stop - 1] == "\r" else stop
        spans.append((position, line_end))
        if newline < 0:
            return spans
        position = newline + 1


def _decode_double(builder: OriginBuilder, start: int, end: int) -> None:
    source = builder.index.source
    run = position = start
    while (position := source.find("\\", position, end)) >= 0:
        builder.verbatim(run, position)
        escape = source[position + 1]
        if escape in _HEX:
            after = position + 2 + _HEX[escape]
            builder.char(chr(int(source[position + 2 : after], 16)), position, after)
        else:
            after = position + 2
            builder.char(_ESCAPES[escape], position, after)
        run = position = after
    builder.verbatim(run, end)


def _decode_single(builder: OriginBuilder, start: int, end: int) -> None:
    source = builder.index.source
    run = position = start
    while (position := source.find("''", position, end)) >= 0:
        builder.verbatim(run, position)
        builder.char("'", position, position + 2)
        run = position = position + 2
    builder.verbatim(run, end)


def _flow(builder: OriginBuilder, start: int, end: int, style: str | None) -> None:
    """Plain and quoted scalars: lines are folded, each break becoming a space or line feeds."""
    source = builder.index.source
    spans = _lines(source, start, end)
    last = len(spans) - 1
    previous_end: int | None = None
    escaped_break = False
    empty = 0
    for number, (line_start, line_end) in enumerate(spans):
        content_start, content_end = line_start, line_end
        if number > 0:
            while content_start < content_end and source[content_start] in " \t":
                content_start += 1
        continued = False
        if style == '"' and number < last:
            backslashes = len(source[content_start:content_end]) - len(
                source[content_start:content_end].rstrip("\\")
            )
            continued = backslashes % 2 == 1
        if number < last and not continued:
            while content_end > content_start and source[content_end - 1] in " \t":
                content_end -= 1
        if number > 0 and content_start == content_end and number < last:
            empty += 1
            continue
        if previous_end is not None:
            if escaped_break:
                builder.skip(content_start)
            else:
                builder.char("\n" * empty if empty else " ", previous_end, content_start)
        empty = 0
        decode_end = content_end - 1 if continued else content_end
        if style == '"':
            _decode_double(builder, content_start, decode_end)
        elif style == "'":
            _decode_single(builder, content_start, decode_end)
        else:
            builder.verbatim(content_start, decode_end)
        previous_end, escaped_break = content_end, continued


def _block(builder: OriginBuilder, start: int, end: int, folded: bool) -> None:
    """Literal (``|``) and folded (``>``) scalars: indentation stripped, every line break kept
    (the caller trims the trailing breaks that chomping removes)."""
    source = builder.index.source
    header_end = source.find("\n", start, end)
    if header_end < 0:
        return
    spans = _lines(source, header_end + 1, end)
    indent = next(
        (len(source[a:b]) - len(source[a:b].lstrip(" ")) for a, b in spans if source[a:b].strip()), 0
    )
    previous: tuple[str, int] | None = None  # (kind, end of its content)
    breaks: list[int] = []  # positions of the line breaks since the last content line
    for line_start, line_end in spans:
        content_start = min(line_start + indent, line_end)
        if not source[line_start:line_end].strip() and line_end - line_start <= indent:
            breaks.append(line_end)
            continue
        kind = "more" if source[content_start : content_start + 1] in (" ", "\t") else "normal"
        if previous is not None:
            joiner = "\n" * (len(breaks) + 1)
            if folded and previous[0] == "normal" and kind == "normal":
                joiner = "\n" * len(breaks) if breaks else " "
            builder.char(joiner, previous[1], content_start)
        elif breaks:
            builder.char("\n" * len(breaks), line_start, content_start)
        builder.verbatim(content_start, line_end)
        previous, breaks = (kind, line_end), []
    if previous is not None:
        builder.char("\n" * (len(breaks) + 1), previous[1], previous[1] + 1)


def _skip_properties(source: str, start: int) -> int:
    """Move past an anchor (``&name``) or tag (``!tag``) before the scalar itself."""
    while source[start : start + 1] in ("&", "!"):
        while start < len(source) and source[start] not in " \t\r\n":
            start += 1
        while start < len(source) and source[start] in " \t\r\n":
            start += 1
    return start


def _scalar(
    node: Any, index: LineIndex, markers: dict[int, Marker], path: list[str | int]
) -> Extracted | None:
    value: str = node.value
    if not value.strip():
        return None
    start, end = _skip_properties(index.source, node.start_mark.index), node.end_mark.index
    builder = OriginBuilder(index)
    style = node.style
    if style in ('"', "'"):
        _flow(builder, start + 1, end - 1, style)
    elif style in ("|", ">"):
        _block(builder, start, end, folded=style == ">")
    else:
        _flow(builder, start, end, None)
    key = render_path(path)
    text = builder.text()
    # Where a comment can follow the scalar: the header line of a block scalar,
    # the closing line of a flow scalar.
    block = style in ("|", ">")
    comment_line = node.start_mark.line + 1 if block else index.position(max(end - 1, start))[0]
    if text == value or (block and text.startswith(value) and not text[len(value) :].strip()):
        extracted = finish(builder, markers, start, end, key=key, comment_line=comment_line)
        if extracted.text != value:
            # Chomping dropped trailing line breaks; the anchors still cover the rest.
            extracted = Extracted(value, extracted.origin, extracted.line, extracted.column, key)
        return extracted
    # A style this rebuild does not follow (an explicit indentation indicator, say):
    # keep the scalar's own position and the markers on its lines.
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    found = markers_for(markers, line, index.position(max(end - 1, start))[0], comment_line)
    return Extracted(value, TextOrigin((), found, None), line, column, key)


def _is_text(node: Any) -> bool:
    return isinstance(node.value, str) and node.tag not in _NOT_TEXT


def extract_yaml(source: str, index: LineIndex) -> list[Extracted]:
    import yaml

    try:
        documents = list(yaml.compose_all(source, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ExtractError(
            f"not valid YAML ({exc})".split("\n")[0], mark.line + 1 if mark else None
        ) from None
    markers = index.markers()
    found: list[Extracted] = []
    seen: set[int] = set()

    def walk(node: Any, path: list[str | int]) -> None:
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                walk(item, [*path, str(key.value) if isinstance(key, yaml.ScalarNode) else "?"])
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                walk(item, [*path, number])
        elif isinstance(node, yaml.ScalarNode) and _is_text(node):
            extracted = _scalar(node, index, markers, path)
            if extracted is not None:
                found.append(extracted)

    for document in documents:
        walk(document, [])
    return found
