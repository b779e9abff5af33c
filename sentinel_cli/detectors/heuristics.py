"""Rule-based detection: regular expressions from the rule packs, run on every view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Self

from sentinel_cli.detectors.base import Detector
from sentinel_cli.model import Finding, RuleInfo
from sentinel_cli.normalize import Document
from sentinel_cli.rulepack import Rule, builtin_packs

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

EVIDENCE_CHARS = 80


def evidence_of(text: str, start: int, end: int) -> str:
    """A short, single-line excerpt of the matched text for people to check."""
    snippet = " ".join(text[start:end].split())
    if len(snippet) > EVIDENCE_CHARS:
        snippet = snippet[: EVIDENCE_CHARS - 1] + "…"
    return snippet


class HeuristicDetector(Detector):
    """Matches the built-in rule packs against each normalised view of the text."""

    id: ClassVar[str] = "heuristics"
    description: ClassVar[str] = "Rule packs of injection, jailbreak and prompt-leak patterns."

    def __init__(self, rules: Sequence[Rule], version: str) -> None:
        self._rules = tuple(rules)
        self.version = version  # type: ignore[misc]

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        packs = builtin_packs(cls.id)
        rules = [rule for pack in packs for rule in pack.rules]
        version = "+".join(f"{pack.id}-{pack.version}" for pack in packs)
        return cls(rules, version)

    def rules(self) -> Sequence[RuleInfo]:
        return [rule.info for rule in self._rules]

    def detect(self, doc: Document) -> list[Finding]:
        found: dict[str, Finding] = {}
        for view in doc.views:
            for rule in self._rules:
                if rule.info.id in found:
                    continue
                for pattern in rule.patterns:
                    match = pattern.search(view.text)
                    if match is None:
                        continue
                    start, end = view.to_original(match.start(), match.end())
                    info = rule.info
                    found[info.id] = Finding(
                        rule_id=info.id,
                        detector=self.id,
                        category=info.category,
                        severity=info.severity,
                        confidence=info.confidence,
                        start=start,
                        end=end,
                        evidence=evidence_of(doc.text, start, end),
                        view=view.name,
                        description=info.description,
                    )
                    break
        return list(found.values())
