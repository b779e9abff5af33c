"""Every built-in rule proves its examples through the real detector: positives
fire, negatives stay quiet. Every built-in pattern passes the safety checks."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from sentinel_cli.config import load_settings
from sentinel_cli.detectors.heuristics import HeuristicDetector
from sentinel_cli.errors import ConfigError
from sentinel_cli.normalize import Document
from sentinel_cli.regex_safety import check_pattern, loosen
from sentinel_cli.rulepack import Rule, Signal, builtin_packs, compile_pattern, load_pack_file, parse_pack

PACKS = builtin_packs("heuristics")
RULES = [rule for pack in PACKS for rule in pack.rules]
SIGNALS = [signal for pack in PACKS for signal in pack.signals]
SOURCES = sorted({source for item in (*RULES, *SIGNALS) for source in item.sources})


@cache
def detector() -> HeuristicDetector:
    return HeuristicDetector.from_settings(load_settings(discover=False))


def _confidence(rule: Rule, text: str) -> float | None:
    for finding in detector().detect(Document(text)):
        if finding.rule_id == rule.info.id:
            return finding.confidence
    return None


def test_rule_ids_are_unique_across_packs() -> None:
    ids = [rule.info.id for rule in RULES]
    assert len(ids) == len(set(ids))


def test_every_category_the_issue_names_has_rules() -> None:
    categories = {rule.info.category.value for rule in RULES}
    wanted = {"direct_injection", "indirect_injection", "jailbreak", "prompt_leak", "role_manipulation"}
    wanted |= {"context_switching", "encoding_attack", "data_exfiltration"}
    assert wanted <= categories


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.info.id)
def test_every_rule_has_examples_that_hold(rule: Rule) -> None:
    assert rule.positive, f"{rule.info.id} has no positive example"
    assert rule.negative, f"{rule.info.id} has no negative example"
    for text in rule.positive:
        assert _confidence(rule, text) == rule.info.confidence, f"{rule.info.id} misses: {text!r}"
    for text in rule.negative:
        confidence = _confidence(rule, text)
        assert confidence is None or confidence < rule.info.confidence, f"{rule.info.id} fires on: {text!r}"


@pytest.mark.parametrize("signal", SIGNALS, ids=lambda signal: signal.name)
def test_every_signal_has_examples_that_hold(signal: Signal) -> None:
    assert signal.positive and signal.negative
    for text in signal.positive:
        assert any(p.search(text) for p in signal.patterns), f"signal {signal.name} misses {text!r}"
    for text in signal.negative:
        assert not any(p.search(text) for p in signal.patterns), f"signal {signal.name} fires on {text!r}"


@pytest.mark.parametrize("source", SOURCES)
def test_builtin_patterns_are_safe_and_compile(source: str) -> None:
    check_pattern(source)
    compile_pattern(source)
    compile_pattern(loosen(source))
    assert compile_pattern(source).search("") is None


_NON_ASCII_BOUNDARY = re.compile(r"\\b[^\x00-\x7f(\\[]|[^\x00-\x7f)\]*?+]\\b")


@pytest.mark.parametrize("source", SOURCES)
def test_no_ascii_word_boundary_next_to_non_ascii_letters(source: str) -> None:
    """RE2's \\b is ASCII-only: next to 'ü' or 'и' it never matches."""
    assert not _NON_ASCII_BOUNDARY.search(source)


def test_requires_names_known_signals() -> None:
    names = {signal.name for signal in SIGNALS}
    for rule in RULES:
        assert set(rule.requires) <= names, rule.info.id


def test_multilingual_core_rules_cover_the_fifteen_languages() -> None:
    wanted = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "zh", "ja", "ko", "ar", "hi", "tr"}
    for rule_id in ("PI001", "PL001"):
        rule = next(rule for rule in RULES if rule.info.id == rule_id)
        assert wanted <= set(rule.info.tags), rule_id


def _pack(rule: str) -> str:
    return f"[[rules]]\n{rule}\n"


def test_bad_pack_entries_are_named() -> None:
    with pytest.raises(ConfigError, match="rule X1: 'confused' is not a valid Category"):
        parse_pack(
            _pack(
                'id="X1"\ncategory="confused"\nseverity="high"\nconfidence=0.5\ndescription="d"\npatterns=["a"]'
            ),
            detector="heuristics",
            where="test.toml",
        )
    with pytest.raises(ConfigError, match="invalid pattern"):
        parse_pack(
            _pack(
                'id="X2"\ncategory="jailbreak"\nseverity="high"\nconfidence=0.5\ndescription="d"\npatterns=["(unclosed"]'
            ),
            detector="heuristics",
            where="test.toml",
        )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a+)+b", "nested quantifier"),
        ("(\\\\w+\\\\s?)*x", "nested quantifier"),
        ("(a|ab)*c", "alternation"),
        ("(x)\\\\1", "backreference"),
        ("(?=ignore)", "look-around"),
        ("a{5000}", "above 1000"),
        ("(?:ignore)?", "empty text"),
    ],
)
def test_user_packs_refuse_dangerous_patterns(pattern: str, reason: str) -> None:
    head = 'id="U1"\ncategory="jailbreak"\nseverity="high"\nconfidence=0.5\ndescription="d"\n'
    entry = f'{head}patterns=["{pattern}"]'
    with pytest.raises(ConfigError, match=reason):
        parse_pack(_pack(entry), detector="heuristics", where="mine.toml")


def test_rule_files_load_with_signals(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[signals]]\nname="ticket"\npatterns=["(?i)ticket #\\\\d+"]\n'
        '[[rules]]\nid="ACME1"\ncategory="data_exfiltration"\nseverity="high"\nconfidence=0.9\n'
        'description="leak"\nrequires=["ticket"]\npatterns=["(?i)paste the customer list"]\n',
        encoding="utf-8",
    )
    pack = load_pack_file(path, detector="heuristics")
    assert [signal.name for signal in pack.signals] == ["ticket"]
    assert pack.rules[0].requires == ("ticket",)
    with pytest.raises(ConfigError, match="rule file not found"):
        load_pack_file(tmp_path / "missing.toml", detector="heuristics")
