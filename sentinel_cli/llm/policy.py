"""When to ask the judge, and how its answer combines with the local evidence. Pure.

When (``--llm``): ``always`` asks for every prompt; ``uncertain`` only when the
local score lies within ``band`` of the mode's flag or block threshold
(``engine.THRESHOLDS``), where a second opinion can change the verdict.

How (the combination policy, also in the README):

* The judge may raise a verdict. An "injection" or "jailbreak" answer with
  confidence ``c`` makes the score ``max(local, c)``; its category is added.
* It may lower one only when no high-confidence rule fired: a "benign" answer
  with confidence ``c`` makes the score ``min(local, 1 - c)`` unless an active
  threat finding has confidence >= ``HIGH_CONFIDENCE``, in which case the local
  score stands.
* The verdict is then decided from the new score exactly as the engine does, so
  PII (``redact``) and hidden characters (``strip``) are never undone: the judge
  only speaks about injection and jailbreaks.
* Errors, malformed answers and skipped calls leave the local result unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from sentinel_cli.engine import THRESHOLDS, decide
from sentinel_cli.llm.prompt import JudgeReply
from sentinel_cli.model import LlmJudgement, Mode, ScanResult

HIGH_CONFIDENCE = 0.85
"""A threat finding at or above this confidence cannot be overruled by a "benign" answer."""


def needs_judge(llm_mode: str, score: float, mode: Mode, band: float) -> bool:
    if llm_mode == "always":
        return True
    if llm_mode != "uncertain":
        return False
    limits = THRESHOLDS[mode]
    return abs(score - limits.flag) <= band or abs(score - limits.block) <= band


def high_confidence_rule_fired(result: ScanResult) -> bool:
    return any(
        f.category.is_threat and not f.suppressed and f.confidence >= HIGH_CONFIDENCE for f in result.findings
    )


def combine(result: ScanResult, reply: JudgeReply, judgement: LlmJudgement, mode: Mode) -> ScanResult:
    """The record after the judge: new score and verdict per the policy, ``llm`` filled in."""
    score = result.score
    categories = result.categories
    if reply.is_attack:
        score = max(score, reply.confidence)
        if reply.threat_category not in categories:
            categories = (*categories, reply.threat_category)
    elif not high_confidence_rule_fired(result):
        score = min(score, 1.0 - reply.confidence)
    verdict = decide(score, result.findings, mode)
    return replace(result, score=score, verdict=verdict, categories=categories, llm=judgement)


def attach(result: ScanResult, judgement: LlmJudgement) -> ScanResult:
    """The local result unchanged, with the record of how the judge was (not) used."""
    return replace(result, llm=judgement)
