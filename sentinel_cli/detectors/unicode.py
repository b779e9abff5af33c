"""Hidden characters: invisible, zero-width, bidi-control and smuggling characters.

Each run of hidden characters is one ``hidden_text`` finding (the verdict
``strip`` asks for them to be removed, and ``--redact`` removes them). Text
smuggled in Unicode tag characters is decoded into the evidence so a person
sees what was hidden; the heuristics detector scans that text for attacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from sentinel_cli.detectors.base import Detector
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalization.chars import TAG_FIRST, HiddenChar, HiddenKind
from sentinel_cli.normalize import Document

DETECTOR_ID = "unicode"
EVIDENCE_CHARS = 80


def _rule(rule_id: str, name: str, severity: Severity, confidence: float, description: str) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        name=name,
        detector=DETECTOR_ID,
        category=Category.HIDDEN_TEXT,
        severity=severity,
        confidence=confidence,
        description=description,
    )


RULES: dict[HiddenKind, RuleInfo] = {
    HiddenKind.TAG: _rule(
        "UC001",
        "tag-characters",
        Severity.HIGH,
        0.95,
        "Unicode tag characters (U+E0000-U+E007F): invisible ASCII that models read ('ASCII smuggling').",
    ),
    HiddenKind.VARIATION_SELECTOR: _rule(
        "UC002",
        "variation-selector-run",
        Severity.HIGH,
        0.9,
        "Variation selectors outside emoji/CJK use: runs of them can encode hidden bytes.",
    ),
    HiddenKind.BIDI_CONTROL: _rule(
        "UC003",
        "bidi-control",
        Severity.MEDIUM,
        0.8,
        "Bidirectional embedding/override/isolate controls reorder what a reader sees ('Trojan Source').",
    ),
    HiddenKind.ZERO_WIDTH: _rule(
        "UC004",
        "zero-width",
        Severity.MEDIUM,
        0.7,
        "Zero-width characters outside the scripts and emoji sequences that use them; they split words "
        "to evade filters.",
    ),
    HiddenKind.OTHER: _rule(
        "UC005",
        "invisible-format",
        Severity.LOW,
        0.5,
        "Other invisible or format characters (soft hyphens, fillers, invisible operators, bidi marks).",
    ),
}
_SEVERITY_ORDER = list(RULES)


def _runs(hidden: Sequence[HiddenChar]) -> list[list[HiddenChar]]:
    """Adjacent hidden characters grouped, so one finding covers one run."""
    runs: list[list[HiddenChar]] = []
    for char in hidden:
        if runs and runs[-1][-1].index + 1 == char.index:
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def _evidence(text: str, run: list[HiddenChar]) -> str:
    chars = text[run[0].index : run[-1].index + 1]
    tags = "".join(chr(ord(c) - TAG_FIRST) for c in chars if TAG_FIRST + 0x20 <= ord(c) < TAG_FIRST + 0x7F)
    if len(tags) >= 2:
        shown = f"hidden text {tags!r}"
    else:
        codes = sorted({f"U+{ord(c):04X}" for c in chars})
        shown = f"{len(chars)} hidden character(s): {' '.join(codes[:6])}" + (" …" if len(codes) > 6 else "")
    return shown if len(shown) <= EVIDENCE_CHARS else shown[: EVIDENCE_CHARS - 1] + "…"


class UnicodeDetector(Detector):
    """Reports invisible and smuggling characters outside their legitimate contexts."""

    id: ClassVar[str] = DETECTOR_ID
    description: ClassVar[str] = (
        "Invisible characters: Unicode tags, variation-selector runs, bidi controls, zero-width characters."
    )

    def rules(self) -> Sequence[RuleInfo]:
        return list(RULES.values())

    def detect(self, doc: Document) -> list[Finding]:
        findings = []
        for run in _runs(doc.hidden):
            kind = min((char.kind for char in run), key=_SEVERITY_ORDER.index)
            info = RULES[kind]
            findings.append(info.finding(run[0].index, run[-1].index + 1, _evidence(doc.text, run)))
        return findings
