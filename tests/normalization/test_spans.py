from __future__ import annotations

from sentinel_cli.normalization.spans import Block, MapBuilder, Reversed, Shifted


def test_builder_merges_contiguous_copies_and_maps_replacements() -> None:
    builder = MapBuilder()
    builder.copy("ab", 0)
    builder.copy("cd", 2)  # contiguous: one linear segment
    builder.replace("fi", 4, 5)  # a ligature expanded
    builder.copy("le", 5)
    builder.replace("", 7, 8)  # nothing appended for a removed character
    builder.copy("x", 8)
    text, mapping = builder.build()
    assert text == "abcdfilex"
    assert len(mapping._out) == 4
    assert mapping.span(0, 4) == (0, 4)
    assert mapping.span(4, 5) == (4, 5) and mapping.span(5, 6) == (4, 5)
    assert mapping.span(6, 8) == (5, 7)
    assert mapping.span(8, 9) == (8, 9)
    assert mapping.span(3, 3) == (3, 3)


def test_empty_builder_maps_to_nothing() -> None:
    text, mapping = MapBuilder().build()
    assert text == "" and mapping.span(0, 0) == (0, 0)


def test_simple_maps() -> None:
    assert Shifted(10).span(1, 3) == (11, 13)
    assert Block(5, 9).span(0, 100) == (5, 9)
    assert Reversed(10).span(0, 3) == (7, 10)
