"""Every built-in rule proves its examples: positives fire, negatives stay quiet."""

from __future__ import annotations

import pytest

from sentinel_cli.errors import ConfigError
from sentinel_cli.rulepack import Rule, builtin_packs, parse_pack

RULES = [rule for pack in builtin_packs("heuristics") for rule in pack.rules]


def _fires(rule: Rule, text: str) -> bool:
    return any(pattern.search(text) for pattern in rule.patterns)


def test_rule_ids_are_unique_across_packs() -> None:
    ids = [rule.info.id for rule in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.info.id)
def test_every_rule_has_examples_that_hold(rule: Rule) -> None:
    assert rule.positive, f"{rule.info.id} has no positive example"
    assert rule.negative, f"{rule.info.id} has no negative example"
    for text in rule.positive:
        assert _fires(rule, text), f"{rule.info.id} misses: {text!r}"
    for text in rule.negative:
        assert not _fires(rule, text), f"{rule.info.id} fires on: {text!r}"


def test_bad_pack_entries_are_named() -> None:
    with pytest.raises(ConfigError, match="rule X1: 'confused' is not a valid Category"):
        parse_pack(
            '[[rules]]\nid="X1"\ncategory="confused"\nseverity="high"\nconfidence=0.5\n'
            'description="d"\npatterns=["a"]\n',
            detector="heuristics",
            where="test.toml",
        )
    with pytest.raises(ConfigError, match="invalid pattern"):
        parse_pack(
            '[[rules]]\nid="X2"\ncategory="jailbreak"\nseverity="high"\nconfidence=0.5\n'
            'description="d"\npatterns=["(unclosed"]\n',
            detector="heuristics",
            where="test.toml",
        )
