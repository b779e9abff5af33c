"""Rule packs: versioned TOML files of heuristic rules, each with a permanent id.

A pack is a TOML document with a ``[pack]`` table (``id``, ``version``,
``description``) and ``[[rules]]`` entries::

    [[rules]]
    id = "PI001"                      # permanent: SARIF ruleId and baseline key
    name = "ignore-previous-instructions"
    category = "direct_injection"
    severity = "high"
    confidence = 0.9
    description = "Asks the model to disregard its earlier instructions."
    patterns = ['''(?i)\\bignore\\b.{0,40}\\binstructions\\b''']
    examples = { positive = ["..."], negative = ["..."] }

The examples are run by the test suite, so every rule proves what it catches
and what it must leave alone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sentinel_cli.errors import ConfigError
from sentinel_cli.model import Category, RuleInfo, Severity

BUILTIN_PACKAGE = "sentinel_cli.rules"


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: its description plus the patterns that trigger it."""

    info: RuleInfo
    patterns: tuple[re.Pattern[str], ...]
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    version: str
    description: str
    rules: tuple[Rule, ...]


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise ConfigError(f"{where}: missing '{key}'")
    return entry[key]


def compile_rule(entry: dict[str, Any], *, detector: str, where: str) -> Rule:
    """Validate and compile one ``[[rules]]`` entry; errors name the rule and the field."""
    rule_id = str(_require(entry, "id", where))
    where = f"{where} rule {rule_id}"
    try:
        category = Category(_require(entry, "category", where))
        severity = Severity(_require(entry, "severity", where))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    confidence = float(_require(entry, "confidence", where))
    if not 0.0 <= confidence <= 1.0:
        raise ConfigError(f"{where}: confidence must be between 0 and 1")
    sources = _require(entry, "patterns", where)
    if not isinstance(sources, list) or not sources:
        raise ConfigError(f"{where}: 'patterns' must be a non-empty list of regular expressions")
    patterns = []
    for source in sources:
        try:
            patterns.append(re.compile(source))
        except re.error as exc:
            raise ConfigError(f"{where}: invalid pattern {source!r}: {exc}") from None
    examples = entry.get("examples", {})
    info = RuleInfo(
        id=rule_id,
        name=str(entry.get("name", rule_id)),
        detector=detector,
        category=category,
        severity=severity,
        confidence=confidence,
        description=str(_require(entry, "description", where)),
        help=str(entry.get("help", "")),
        tags=tuple(entry.get("tags", ())),
    )
    return Rule(
        info=info,
        patterns=tuple(patterns),
        positive=tuple(examples.get("positive", ())),
        negative=tuple(examples.get("negative", ())),
    )


def parse_pack(text: str, *, detector: str, where: str) -> RulePack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    meta = data.get("pack", {})
    rules = tuple(compile_rule(entry, detector=detector, where=where) for entry in data.get("rules", []))
    seen: set[str] = set()
    for rule in rules:
        if rule.info.id in seen:
            raise ConfigError(f"{where}: duplicate rule id {rule.info.id}")
        seen.add(rule.info.id)
    return RulePack(
        id=str(meta.get("id", where)),
        version=str(meta.get("version", "0")),
        description=str(meta.get("description", "")),
        rules=rules,
    )


def builtin_packs(detector: str) -> list[RulePack]:
    """Every ``*.toml`` pack shipped in ``sentinel_cli/rules``, in file-name order."""
    root = resources.files(BUILTIN_PACKAGE)
    packs = []
    for item in sorted(root.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            packs.append(parse_pack(item.read_text("utf-8"), detector=detector, where=item.name))
    return packs
