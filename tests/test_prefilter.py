"""Literal prefilters: what they require must hold for every text the pattern matches."""

from __future__ import annotations

import json

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinel_cli.prefilter import Prefilter, required
from sentinel_cli.ruleindex import pattern_hint
from sentinel_cli.rulepack import builtin_packs
from tests.helpers import SHARED

PACKS = builtin_packs("heuristics")
ITEMS = [item for pack in PACKS for item in (*pack.rules, *pack.signals)]
SOURCES = sorted({source for item in ITEMS for source in item.sources})


def clauses(pattern: str) -> list[list[str]]:
    return sorted(sorted(clause) for clause in required(pattern))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ignore previous", [["ignore previous"]]),
        ("(?i)IGNORE", [["ignore"]]),
        ("(?:ignore|disregard) all", [["disregard all", "ignore all"]]),
        (r"\bignore\s+(?:all\s+)?previous\b", [["ignore"], ["previous"]]),
        (r"ignore[zsr]?\s+the", [["ignore"], ["the"]]),  # a class or a repeat breaks the run
        ("abc(?:x|y)?def", [["abc"], ["def"]]),
        ("(?:DAN|do anything now)", [["dan", "do anything now"]]),
        ("(?:a|bcd)e", []),  # "ae" is too short, so nothing is required
        (r"x+yz{2}", []),
        (r"console\.log\(", [["console.log("]]),  # escaped punctuation is literal
        ("忽略(?:之前|以前)", [["忽略之前", "忽略以前"]]),
        ("to|cc", []),  # two-byte atoms are not selective enough
        ("(?i)k", []),
        (r"(?:foo|bar\d)baz", [["bar", "foo"], ["baz"]]),
        (r"\d+", []),
    ],
)
def test_required_atoms(pattern: str, expected: list[list[str]]) -> None:
    assert clauses(pattern) == expected


def test_a_sequence_with_unknown_parts_is_never_taken_as_exact() -> None:
    # Regression: "(?:/|\s+(?:or|and)\s+)" knows no atom, so the pattern must not require "illegal/illegal".
    pattern = r"(?i)\b(?:illegal|unethical)(?:/|\s+(?:or|and)\s+)(?:illegal|unethical)\b"
    assert Prefilter([required(pattern)]).candidates("illegal and unethical things") == [0]


def test_patterns_it_cannot_read_require_nothing() -> None:
    assert required("(unbalanced") == ()


def test_case_folding_agrees_with_re2_for_every_literal_the_packs_use() -> None:
    """``(?i)`` in RE2 matches a character's simple case-folding orbit; the prefilter compares
    ``str.casefold`` forms, so every character of an orbit must share its casefold."""
    cased = "".join(
        char
        for char in map(chr, range(0x110000))
        if not 0xD800 <= ord(char) <= 0xDFFF
        and (char.lower() != char or char.upper() != char or char.casefold() != char or char.title() != char)
    )
    literals = {char for source in SOURCES for clause in required(source) for atom in clause for char in atom}
    assert "k" in literals and "s" in literals  # both have a third orbit member (Kelvin sign, long s)
    for literal in sorted(literals):
        for match in re2.compile("(?i)" + re2.escape(literal)).finditer(cased):
            assert match.group().casefold() == literal.casefold(), (literal, match.group())


EXACT = [re2.compile(source) for source in SOURCES]


def _matches(text: str) -> set[int]:
    return {index for index, pattern in enumerate(EXACT) if pattern.search(text)}


def test_candidates_include_every_pattern_that_matches_the_examples_and_the_dev_set() -> None:
    prefilter = PREFILTER
    texts = [text for item in ITEMS for text in (*item.positive, *item.negative)]
    dev = SHARED / "eval" / "dev" / "prompts.jsonl"
    if dev.exists():
        texts += [json.loads(line)["text"] for line in dev.open(encoding="utf-8")][:800]
    matched = 0
    for text in texts:
        found = _matches(text)
        matched += bool(found)
        candidates = prefilter.candidates(text)
        assert found <= set(candidates), text
        assert COMPILED.candidates(text) == candidates  # the RE2 atom set finds the same atoms
    assert matched > 300


WORDS = sorted({atom for source in SOURCES for clause in required(source) for atom in clause})


PREFILTER = Prefilter([pattern_hint(source).atoms for source in SOURCES])
COMPILED = Prefilter([pattern_hint(source).atoms for source in SOURCES])
COMPILED.compile()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS), st.sampled_from([" ", "\n", "K", "ſ", "İ", "ß", ".", ":"]), st.text()
        ),
        max_size=12,
    )
)
def test_candidates_never_miss_a_match(pieces: list[str]) -> None:
    text = " ".join(pieces)
    candidates = PREFILTER.candidates(text)
    assert _matches(text) <= set(candidates)
    assert COMPILED.candidates(text) == candidates
