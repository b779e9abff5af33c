from __future__ import annotations

import pytest

from sentinel_cli.regex_syntax import PatternSyntaxError, UnsafePattern, parse


def test_tree_shapes_and_repetition_bounds() -> None:
    tree = parse(r"a(?:b|c){2,5}\d*")
    assert tree.kind == "seq" and [item.kind for item in tree.items] == ["chars", "repeat", "repeat"]
    bounded = tree.items[1]
    assert (bounded.low, bounded.high) == (2, 5) and bounded.items[0].kind == "alt"
    assert (tree.items[2].low, tree.items[2].high) == (0, None)


def test_character_sets_follow_re2_and_flags() -> None:
    lower = parse("a").items[0].chars
    folded = parse("(?i)a").items[0].chars
    assert lower == frozenset("a") and folded == frozenset("aA")
    letters = parse(r"\p{L}").items[0].chars
    assert {"é", "Я", "中"} <= letters and "1" not in letters
    assert "\n" not in parse(".").items[0].chars and "\n" in parse("(?s).").items[0].chars


def test_literal_braces_comments_and_quoting() -> None:
    assert parse(r"x{,5}").items[1].text == "{"  # not a quantifier: a literal brace
    assert parse("(?#note)ab").items[0].text == "a"
    assert [item.text for item in parse(r"\Qa.b\E").items[0].items] == ["a", ".", "b"]


@pytest.mark.parametrize("pattern", ["(a", "a)", "[ab", "a\\", "*a"])
def test_malformed_patterns_are_syntax_errors(pattern: str) -> None:
    with pytest.raises(PatternSyntaxError):
        parse(pattern)


def test_unsupported_constructs_are_refused_by_name() -> None:
    with pytest.raises(UnsafePattern, match="look-around"):
        parse("(?=a)")
    with pytest.raises(UnsafePattern, match="backreferences"):
        parse(r"(a)\1")
