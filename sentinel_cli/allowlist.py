"""The user's allow-list and disabled rules, applied to every detector's findings.

A finding that lies inside a match of an ``allow_patterns`` entry (in the same
text, or the same chat message) is marked suppressed: it stays out of the score,
the verdict and the outputs. Findings of ``disabled_rules`` are dropped. This
runs as an engine finding stage, before fingerprints, suppressions and baselines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sentinel_cli.model import Finding, Prompt
from sentinel_cli.rulepack import compile_pattern


class AllowList:
    """A finding stage (``engine.FindingStage``) built from the settings."""

    def __init__(self, patterns: Sequence[str] = (), disabled: Sequence[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self.disabled = frozenset(disabled)

    def __bool__(self) -> bool:
        return bool(self.patterns or self.disabled)

    def _allowed(self, text: str) -> list[tuple[int, int]]:
        return [match.span() for source in self.patterns for match in compile_pattern(source).finditer(text)]

    def __call__(self, prompt: Prompt, findings: list[Finding]) -> list[Finding]:
        kept = [finding for finding in findings if finding.rule_id not in self.disabled]
        if not self.patterns or not kept:
            return kept
        spans = {message: self._allowed(text) for message, text, _ in prompt.segments()}
        out = []
        for finding in kept:
            allowed = spans.get(finding.message, [])
            inside = any(start <= finding.start and finding.end <= end for start, end in allowed)
            out.append(replace(finding, suppressed=True) if inside and not finding.suppressed else finding)
        return out
