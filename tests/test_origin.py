"""Offsets of a prompt map back to lines and columns; suppression markers parse."""

from __future__ import annotations

from sentinel_cli.origin import LineIndex, OriginBuilder, TextOrigin, find_markers, parse_marker


def test_marker_with_rules_and_reason() -> None:
    marker = parse_marker("x = 1  # sentinel: ignore[PI001, jb001] -- fixture for the detector", 7)
    assert marker is not None
    assert marker.line == 7 and marker.rules == {"PI001", "JB001"}
    assert marker.reason == "fixture for the detector"
    assert marker.covers("pi001") and not marker.covers("PL001")


def test_marker_reason_loses_comment_closers_and_quotes() -> None:
    html = parse_marker("<!-- sentinel: ignore[PL001] documented attack -->", 1)
    json_line = parse_marker('{"note": "sentinel: ignore[PI001] eval sample"}', 1)
    assert html is not None and html.reason == "documented attack"
    assert json_line is not None and json_line.reason == "eval sample"


def test_no_marker_without_rule_ids() -> None:
    assert parse_marker("sentinel: ignore[] because", 1) is None
    assert parse_marker("sentinel: ignore everything", 1) is None
    assert find_markers("a\nb\nsentinel: ignore[X1] y\n", first_line=10)[0].line == 12


def test_verbatim_text_maps_every_line() -> None:
    source = "line one\nsecond line\n\nfourth"
    builder = OriginBuilder(LineIndex(source))
    builder.verbatim(0, len(source))
    origin = builder.origin()
    assert builder.text() == source
    offset = source.index("line\n\nfourth") + 0
    assert origin.position(offset) == (2, 8)
    assert origin.position(source.index("fourth")) == (4, 1)
    region = origin.region(source.index("second"), source.index("second") + 6)
    assert region is not None and (region.start_line, region.start_column, region.end_column) == (2, 1, 7)


def test_escapes_shift_columns() -> None:
    source = 'x = "a\\tb\\u00e9c"'
    index = LineIndex(source)
    builder = OriginBuilder(index)
    builder.verbatim(5, 6)
    builder.char("\t", 6, 8)
    builder.verbatim(8, 9)
    builder.char("é", 9, 15)
    builder.verbatim(15, 16)
    origin = builder.origin()
    assert builder.text() == "a\tbéc"
    assert [origin.position(i) for i in range(6)] == [(1, 6), (1, 7), (1, 9), (1, 10), (1, 16), (1, 17)]


def test_match_ending_in_a_line_break_ends_on_its_own_line() -> None:
    source = "abc\ndef"
    builder = OriginBuilder(LineIndex(source))
    builder.verbatim(0, len(source))
    region = builder.origin().region(0, 4)
    assert region is not None and (region.end_line, region.end_column) == (1, 5)


def test_origin_without_anchors_has_no_region() -> None:
    assert TextOrigin().region(0, 3) is None
