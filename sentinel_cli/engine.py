"""The detection engine: runs detectors, combines evidence into a score and a verdict.

Pure: no I/O, no printing, no globals. The CLI, the batch runner and tests all
drive the same ``Engine``.

Scoring. Each threat finding (a category whose ``is_threat`` is true) is an
independent piece of evidence with probability ``confidence``; the record's
``score`` is their noisy-OR, ``1 - prod(1 - c)``, taking each rule once at its
highest confidence. PII, secrets and hidden characters do not raise the score.

Verdict. The score maps to ``allow``/``flag``/``block`` through the mode's
thresholds (``THRESHOLDS``, the one table of them); hidden characters ask for
``strip`` and PII or secrets for ``redact``. The verdict is the most severe
that applies, in the order allow < flag < redact < strip < block.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace

from sentinel_cli.detectors.base import Detector
from sentinel_cli.frozen import frozen
from sentinel_cli.limits import DEFAULT_MAX_PROMPT_CHARS, over_limit
from sentinel_cli.model import (
    Category,
    Finding,
    Mode,
    PiiSpan,
    Prompt,
    ScanResult,
    Verdict,
)
from sentinel_cli.normalize import Document
from sentinel_cli.redact import RedactStyle, hide_values_in_evidence, redact_prompt
from sentinel_cli.text_hash import CHUNK as HASHED_WHOLE
from sentinel_cli.text_hash import text_hash


@frozen
class Thresholds:
    """Scores at or above ``flag`` are flagged; at or above ``block``, blocked."""

    flag: float
    block: float


THRESHOLDS: dict[Mode, Thresholds] = {
    Mode.STRICT: Thresholds(flag=0.30, block=0.60),
    Mode.MODERATE: Thresholds(flag=0.50, block=0.80),
    Mode.PERMISSIVE: Thresholds(flag=0.70, block=0.92),
}


FindingStage = Callable[[Prompt, list[Finding]], list[Finding]]
"""Runs on a prompt's findings before scoring: fingerprints, inline suppressions,
baselines (``sentinel_cli.ci``). A stage may mark findings suppressed or drop them."""


@frozen
class EngineOptions:
    mode: Mode = Mode.MODERATE
    redact: bool = False
    redact_style: RedactStyle = "mask"
    redact_salt: str = ""
    stages: tuple[FindingStage, ...] = ()
    max_prompt_chars: int | None = DEFAULT_MAX_PROMPT_CHARS
    """Detectors see at most this many characters of a text (``sentinel_cli.limits``)."""


def combine_scores(findings: Sequence[Finding]) -> float:
    """Noisy-OR of the threat findings' confidences, each rule counted once."""
    best: dict[str, float] = {}
    for finding in findings:
        if (
            finding.category.is_threat
            and not finding.suppressed
            and finding.confidence > best.get(finding.rule_id, 0.0)
        ):
            best[finding.rule_id] = finding.confidence
    remaining = 1.0
    for confidence in best.values():
        remaining *= 1.0 - confidence
    return 1.0 - remaining


def decide(score: float, findings: Sequence[Finding], mode: Mode) -> Verdict:
    """The most severe verdict the score and the findings call for."""
    limits = THRESHOLDS[mode]
    if score >= limits.block:
        return Verdict.BLOCK
    active = [f for f in findings if not f.suppressed]
    if any(f.category is Category.HIDDEN_TEXT for f in active):
        return Verdict.STRIP
    if any(f.category in (Category.PII, Category.SECRET) for f in active):
        return Verdict.REDACT
    if score >= limits.flag:
        return Verdict.FLAG
    return Verdict.ALLOW


_NOTHING_FOUND = {mode: decide(0.0, (), mode) for mode in Mode}
"""The verdict of a prompt without findings, in each mode."""


def categories_of(findings: Sequence[Finding]) -> tuple[str, ...]:
    """Distinct categories, most confident first."""
    ordered = sorted((f for f in findings if not f.suppressed), key=lambda f: f.confidence, reverse=True)
    return tuple(dict.fromkeys(f.category.value for f in ordered))


def pii_spans(findings: Sequence[Finding]) -> tuple[PiiSpan, ...]:
    return tuple(
        PiiSpan(type=f.subtype or f.category.value.upper(), start=f.start, end=f.end, message=f.message)
        for f in findings
        if f.category in (Category.PII, Category.SECRET) and not f.suppressed
    )


def _sha256(text: str, piece: int = 1 << 20) -> str:
    """SHA-256 of ``text`` in UTF-8, encoded a megabyte at a time (no copy of a huge prompt)."""
    digest = hashlib.sha256()
    for start in range(0, len(text), piece):
        digest.update(text[start : start + piece].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_NOTHING = nullcontext()


class EngineHooks:
    """Optional instrumentation around the engine's work (tracing, stage timing, logs).

    The engine stays pure: these no-op defaults cost a method call each, and a
    telemetry layer overrides them. Hooks watch; they never change results.
    """

    def batch(self, prompts: Sequence[Prompt]) -> AbstractContextManager[object]:
        """Wraps the scan of one batch."""
        return _NOTHING

    def stage(self, name: str) -> AbstractContextManager[object]:
        """Wraps one stage for one text: ``normalize`` or a detector id."""
        return _NOTHING

    def scanned(self, prompt: Prompt, result: ScanResult) -> None:
        """Called with each prompt and its result."""

    def stage_timed(self, name: str, seconds: float) -> None:
        """A stage that ran in a worker process (``--workers``) took ``seconds``; ``stage``
        wraps the stages that run in this process instead."""


NO_HOOKS = EngineHooks()


@frozen
class Detection:
    """What the detectors found in one prompt, before the finding stages and scoring.

    ``Engine.detect`` makes it and ``Engine.finish`` turns it into the result, so the
    detection half can run in a worker process (``sentinel_cli.parallel``) while the
    stages that depend on earlier prompts (fingerprint occurrence counts, baselines)
    run in input order in the parent.
    """

    findings: tuple[Finding, ...]
    seconds: float
    text_sha256: str
    text_hash: str
    stages: tuple[tuple[str, float], ...] = ()
    """``(stage, seconds)`` timed in a worker process, for the parent's hooks to record."""


class Engine:
    """Scans prompts with a fixed set of detectors and options."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        options: EngineOptions | None = None,
        hooks: EngineHooks | None = None,
    ) -> None:
        self.detectors = tuple(detectors)
        self.options = options or EngineOptions()
        self.hooks = hooks or NO_HOOKS

    def scan(self, prompt: Prompt) -> ScanResult:
        return self.scan_batch([prompt])[0]

    def scan_batch(self, prompts: Sequence[Prompt]) -> list[ScanResult]:
        """Scan prompts in order; detectors that can batch see the whole batch at once."""
        results = []
        hooks = self.hooks
        with hooks.batch(prompts):
            for prompt in prompts:
                result = self.finish(prompt, self.detect(prompt))
                hooks.scanned(prompt, result)
                results.append(result)
        return results

    def detect(self, prompt: Prompt) -> Detection:
        """Run the detectors on every segment of the prompt (no finding stages, no scoring)."""
        started = time.perf_counter()
        findings: list[Finding] = []
        stage = self.hooks.stage
        folded: str | None = None  # the canonical text, when one document holds the whole prompt
        for message, whole, role in prompt.segments():
            text = whole
            limited = over_limit(whole, self.options.max_prompt_chars)
            if limited is not None:
                text = whole[: limited.start]
                findings.append(limited if message is None else replace(limited, message=message))
            with stage("normalize"):
                doc = Document(text, role=role)
                doc.views  # noqa: B018 - views are lazy; build them here so the stage is timed
            if message is None and text is whole and len(text) <= HASHED_WHOLE:
                folded = doc.canonical
            for detector in self.detectors:
                with stage(detector.id):
                    found = detector.detect(doc)
                if message is not None:
                    found = [replace(finding, message=message) for finding in found]
                findings.extend(found)
        findings.sort(key=lambda f: (f.message or 0, f.start, f.end, f.rule_id))
        findings = hide_values_in_evidence(prompt, findings)
        return Detection(
            findings=tuple(findings),
            seconds=time.perf_counter() - started,
            text_sha256=_sha256(prompt.text),
            text_hash=text_hash(prompt.text) if folded is None else _sha256(folded),
        )

    def finish(self, prompt: Prompt, detection: Detection) -> ScanResult:
        """Apply the finding stages (in input order) and score the prompt."""
        started = time.perf_counter()
        findings = list(detection.findings)
        for finding_stage in self.options.stages:
            findings = finding_stage(prompt, findings)
        if findings:
            score = combine_scores(findings)
            verdict = decide(score, findings, self.options.mode)
            categories, pii = categories_of(findings), pii_spans(findings)
        else:  # most prompts: nothing to combine (the same values, without the work)
            score, verdict, categories, pii = 0.0, _NOTHING_FOUND[self.options.mode], (), ()
        return ScanResult(
            id=prompt.id,
            location=prompt.location,
            verdict=verdict,
            score=score,
            categories=categories,
            findings=tuple(findings),
            pii=pii,
            elapsed_ms=(detection.seconds + time.perf_counter() - started) * 1000.0,
            redacted=self._redacted(prompt, findings) if self.options.redact else None,
            text_sha256=detection.text_sha256,
            length=len(prompt.text),
            text_hash=detection.text_hash,
            extra=dict(prompt.extra) if prompt.extra else {},
        )

    def _redacted(self, prompt: Prompt, findings: Sequence[Finding]) -> str:
        """The text with PII and secrets masked and hidden characters removed."""
        return redact_prompt(prompt, findings, style=self.options.redact_style, salt=self.options.redact_salt)
