"""The load-time pattern checks: refuse what can backtrack catastrophically, accept ordinary rules."""

from __future__ import annotations

import pytest
import re2

from sentinel_cli.regex_safety import PatternSyntaxError, UnsafePattern, check_pattern, loosen


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a+)+b", "nested quantifier"),
        (r"(\w+\s?)*$", "nested quantifier"),
        (r"(.*,)*x", "nested quantifier"),
        (r"(?:a*)*", "nested quantifier"),
        (r"(x+x+)+y", "nested quantifier"),
        (r"^(([a-z])+.)+[A-Z]([a-z])+$", "nested quantifier"),
        (r"(?:\d+\.?)+", "nested quantifier"),
        (r"(a|ab)*c", "alternation"),
        (r"(\w|\d)+", "alternation"),
        (r"(?i)(?:foo|FOO)+", "alternation"),
        (r"(a)\1", "backreference"),
        (r"(?P<x>a)(?P=x)", "backreference"),
        (r"(?=a)b", "look-around"),
        (r"(?<!a)b", "look-around"),
        (r"(?>a)", "atomic"),
        (r"a++", "possessive"),
        (r"a{2000}", "above 1000"),
    ],
)
def test_dangerous_constructs_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafePattern, match=reason):
        check_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i)\bignore\b[^.\n]{0,40}?\b(?:previous|prior)\b",
        r"(?:\s+\w+){0,5}",
        r"(?i)(?:foo|far)+",
        r"\w+\s*\w+",
        r"\p{L}+",
        r"\x{41}+b",
        r"(?:ab)+",
        r"\Qa.b\E",
        r"[\]a]+",
        r"(?:[a-z]+-)+[a-z]+",
        r"(?i)(?-i:[A-Z]{2,})\s+mode",
        r"(?#comment)abc",
    ],
)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    check_pattern(pattern)


def test_syntax_errors_are_their_own_kind() -> None:
    with pytest.raises(PatternSyntaxError):
        check_pattern("(unclosed")
    with pytest.raises(PatternSyntaxError):
        check_pattern("*a")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?i)\bignore\b[^.\n]{0,40}?\bprevious\b", "Ignore all of the previous"),
        (r"a{2,30}b", "aaab"),
        (r"x[^y]{0,9}z", "x123z"),
    ],
)
def test_loosened_patterns_match_wherever_the_exact_ones_do(pattern: str, text: str) -> None:
    loose = loosen(pattern)
    assert "{0,}" in loose or "{2,}" in loose or loose == pattern
    assert re2.search(pattern, text) is not None
    assert re2.search(loose, text) is not None
    assert loosen(r"\{1,40\}[a{1,40}]") == r"\{1,40\}[a{1,40}]"
