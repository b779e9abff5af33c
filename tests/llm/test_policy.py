from __future__ import annotations

from dataclasses import replace

import pytest

from sentinel_cli.llm.policy import HIGH_CONFIDENCE, combine, judge_finding, needs_judge
from sentinel_cli.llm.prompt import JudgeReply
from sentinel_cli.model import (
    Category,
    Finding,
    LlmJudgement,
    Location,
    Mode,
    ScanResult,
    Severity,
    Verdict,
)


def finding(confidence: float, category: Category = Category.DIRECT_INJECTION) -> Finding:
    return Finding("R1", "heuristics", category, Severity.HIGH, confidence, 0, 1, "x")


def result(score: float, verdict: Verdict, *findings: Finding) -> ScanResult:
    return ScanResult(
        id="r",
        location=Location("t"),
        verdict=verdict,
        score=score,
        categories=tuple(dict.fromkeys(f.category.value for f in findings)),
        findings=findings,
        pii=(),
        elapsed_ms=0.0,
    )


JUDGEMENT = LlmJudgement("anthropic", "m", "x", "x", 0.9)


def reply(label: str, confidence: float, category: str = "benign") -> JudgeReply:
    if label != "benign" and category == "benign":
        category = "jailbreak"
    return JudgeReply(label=label, category=category, confidence=confidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("llm", "score", "expected"),
    [
        ("always", 0.0, True),
        ("off", 0.5, False),
        ("uncertain", 0.0, False),
        ("uncertain", 0.40, True),  # 0.10 below flag (0.50)
        ("uncertain", 0.66, True),  # 0.14 below block (0.80)
        ("uncertain", 0.99, False),
    ],
)
def test_uncertain_band_is_around_the_mode_thresholds(llm: str, score: float, expected: bool) -> None:
    assert needs_judge(llm, score, Mode.MODERATE, band=0.15) is expected


def test_judge_raises_a_verdict_and_adds_its_category() -> None:
    local = result(0.0, Verdict.ALLOW)
    answer = reply("jailbreak", 0.95)
    combined = combine(local, answer, JUDGEMENT, Mode.MODERATE, judge_finding(answer, 10))
    assert combined.verdict is Verdict.BLOCK and combined.score == 0.95
    assert combined.categories == ("jailbreak",) and combined.llm is JUDGEMENT
    (evidence,) = combined.findings
    assert (evidence.rule_id, evidence.detector, evidence.category, evidence.severity) == (
        "LLM001",
        "llm-judge",
        Category.JAILBREAK,
        Severity.HIGH,
    )


def test_judge_lowers_only_without_a_high_confidence_rule() -> None:
    weak = result(0.6, Verdict.FLAG, finding(0.6))
    lowered = combine(weak, reply("benign", 0.9), JUDGEMENT, Mode.MODERATE, None)
    assert lowered.verdict is Verdict.ALLOW and lowered.score == pytest.approx(0.1)
    strong = result(0.92, Verdict.BLOCK, finding(HIGH_CONFIDENCE + 0.07))
    kept = combine(strong, reply("benign", 0.99), JUDGEMENT, Mode.MODERATE, None)
    assert kept.verdict is Verdict.BLOCK and kept.score == 0.92


def test_a_low_confidence_attack_answer_never_lowers() -> None:
    local = result(0.85, Verdict.BLOCK, finding(0.85))
    answer = reply("injection", 0.3)
    assert combine(local, answer, JUDGEMENT, Mode.MODERATE, judge_finding(answer, 5)).verdict is Verdict.BLOCK


def test_judge_never_undoes_pii_redaction() -> None:
    pii = replace(finding(0.99, Category.PII), rule_id="PII1")
    local = result(0.0, Verdict.REDACT, pii)
    assert combine(local, reply("benign", 0.99), JUDGEMENT, Mode.MODERATE, None).verdict is Verdict.REDACT


def test_a_suppressed_or_baselined_judge_finding_raises_nothing() -> None:
    local = result(0.0, Verdict.ALLOW)
    answer = reply("injection", 0.99)
    suppressed = replace(judge_finding(answer, 10), suppressed=True)
    kept = combine(local, answer, JUDGEMENT, Mode.MODERATE, suppressed)
    assert kept.verdict is Verdict.ALLOW and kept.findings == (suppressed,) and kept.categories == ()
    dropped = combine(local, answer, JUDGEMENT, Mode.MODERATE, None)
    assert dropped.verdict is Verdict.ALLOW and dropped.findings == () and dropped.llm is JUDGEMENT
