"""When to ask the judge, and how its answer combines with the local evidence. Pure.

When (``--llm``): ``always`` asks for every prompt; ``uncertain`` only when the
local score lies within ``band`` of the mode's flag or block threshold
(``engine.THRESHOLDS``), where a second opinion can change the verdict.

How (the combination policy, also in the README):

* The judge may raise a verdict. An "injection" or "jailbreak" answer with
  confidence ``c`` makes the score ``max(local, c)``; it is added as a finding
  of rule ``LLM001`` (so SARIF and baselines see it) with the judge's category.
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
from sentinel_cli.model import Category, Finding, LlmJudgement, Mode, RuleInfo, ScanResult, Severity

HIGH_CONFIDENCE = 0.85
"""A threat finding at or above this confidence cannot be overruled by a "benign" answer."""

DETECTOR = "llm-judge"
JUDGE_RULE = RuleInfo(
    id="LLM001",
    name="llm-judge-attack",
    detector=DETECTOR,
    category=Category.DIRECT_INJECTION,
    severity=Severity.HIGH,
    confidence=0.9,
    description="The LLM judge classified the prompt as an injection or jailbreak attempt.",
    help="A second opinion from an LLM; its reason is the finding's evidence. See the record's 'llm' field.",
    tags=("llm",),
)


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


def combine(
    result: ScanResult,
    reply: JudgeReply,
    judgement: LlmJudgement,
    mode: Mode,
    evidence: Finding | None,
) -> ScanResult:
    """The record after the judge: new score and verdict per the policy, ``llm`` filled in.

    ``evidence`` is the judge's ``LLM001`` finding for an attack answer after the engine's
    finding stages (fingerprint, inline suppression, baseline): ``None`` when the baseline
    dropped it, and a suppressed or dropped finding raises nothing, like any other rule."""
    score = result.score
    categories = result.categories
    findings = result.findings
    if reply.is_attack:
        if evidence is not None:
            findings = (*findings, evidence)
        if evidence is not None and not evidence.suppressed:
            score = max(score, reply.confidence)
            if reply.threat_category not in categories:
                categories = (*categories, reply.threat_category)
    elif not high_confidence_rule_fired(result):
        score = min(score, 1.0 - reply.confidence)
    verdict = decide(score, findings, mode)
    return replace(
        result, score=score, verdict=verdict, categories=categories, findings=findings, llm=judgement
    )


def judge_finding(reply: JudgeReply, length: int) -> Finding:
    """The judge's attack answer as evidence; it covers the whole text."""
    return Finding(
        rule_id=JUDGE_RULE.id,
        detector=DETECTOR,
        category=Category(reply.threat_category),
        severity=Severity.HIGH if reply.confidence >= HIGH_CONFIDENCE else Severity.MEDIUM,
        confidence=reply.confidence,
        start=0,
        end=length,
        evidence=f"{reply.label}: {reply.reason}" if reply.reason else reply.label,
        view="llm",
        description=JUDGE_RULE.description,
    )


def attach(result: ScanResult, judgement: LlmJudgement) -> ScanResult:
    """The local result unchanged, with the record of how the judge was (not) used."""
    return replace(result, llm=judgement)
