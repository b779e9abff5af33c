"""The result model: prompts in, findings and verdicts out.

Everything here is a frozen, slotted dataclass: cheap to build in the hot path,
safe to pass between the engine, the formatters and worker processes. These
are the types that code outside sentinel sees, so they are frozen at run time
(``dataclass(frozen=True)``); sentinel's internal value types use ``@frozen``
(sentinel_cli/frozen.py), which leaves that check to the type checker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sentinel_cli.origin import TextOrigin

_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (a JSON ``"\\ud800"`` escape, a non-UTF-8 file name)
    replaced by U+FFFD: one character for one, so offsets hold, and every output format
    can encode it as UTF-8."""
    if text.isascii():  # constant time in CPython; ASCII holds no surrogate
        return text
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) is not None else text


class OrderedStrEnum(StrEnum):
    """A string enum whose members compare by declaration order, not alphabetically."""

    @property
    def rank(self) -> int:
        return type(self)._member_names_.index(self.name)

    def _check(self, other: object) -> OrderedStrEnum:
        if type(other) is not type(self):
            raise TypeError(f"cannot compare {type(self).__name__} with {type(other).__name__}")
        assert isinstance(other, OrderedStrEnum)
        return other

    def __lt__(self, other: object) -> bool:
        return self.rank < self._check(other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= self._check(other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > self._check(other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= self._check(other).rank

    __hash__ = StrEnum.__hash__


class Verdict(OrderedStrEnum):
    """What to do with a prompt, from least to most severe."""

    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    STRIP = "strip"
    BLOCK = "block"


class Severity(OrderedStrEnum):
    """How bad a single finding is, from least to most severe."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Mode(StrEnum):
    """How eagerly scores turn into verdicts (see ``engine.THRESHOLDS``)."""

    STRICT = "strict"
    MODERATE = "moderate"
    PERMISSIVE = "permissive"


class Category(StrEnum):
    """What a finding is about. Threat categories count towards the score."""

    DIRECT_INJECTION = "direct_injection"
    INDIRECT_INJECTION = "indirect_injection"
    JAILBREAK = "jailbreak"
    PROMPT_LEAK = "prompt_leak"
    ROLE_MANIPULATION = "role_manipulation"
    CONTEXT_SWITCHING = "context_switching"
    ENCODING_ATTACK = "encoding_attack"
    DATA_EXFILTRATION = "data_exfiltration"
    HIDDEN_TEXT = "hidden_text"
    """Invisible or format characters (zero-width, bidi, tag characters)."""
    PII = "pii"
    SECRET = "secret"

    @property
    def is_threat(self) -> bool:
        """True for categories that describe an attack (they raise the score)."""
        return self not in _NON_THREATS


_NON_THREATS = frozenset({Category.PII, Category.SECRET, Category.HIDDEN_TEXT})


@dataclass(frozen=True, slots=True)
class Location:
    """Where a prompt came from: a file (or ``<stdin>``) and its line or row."""

    file: str
    line: int | None = None
    """1-based line where the record starts (text, JSON Lines, CSV, JSON)."""
    row: int | None = None
    """1-based record number within the file (every format)."""
    column: int | None = None
    """1-based column where the prompt text starts on ``line``, when known."""
    origin: TextOrigin | None = field(default=None, compare=False)
    """Where each character of the text sits in the file, and suppression comments
    on its lines (``sentinel_cli.origin``); ``None`` when the reader does not know."""

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 arrives with surrogate escapes; reports must encode.
        object.__setattr__(self, "file", valid_unicode(self.file))

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.row is not None:
            return f"{self.file}:row {self.row}"
        return self.file


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a chat-format record."""

    role: str
    content: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", valid_unicode(self.role))
        object.__setattr__(self, "content", valid_unicode(self.content))


@dataclass(frozen=True, slots=True)
class Prompt:
    """One record to scan. Chat records carry their messages; ``text`` joins them."""

    id: str
    text: str
    location: Location
    messages: tuple[Message, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Other fields of the record that were asked for (labels, slices for ``eval``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", valid_unicode(self.id))
        object.__setattr__(self, "text", valid_unicode(self.text))

    def segments(self) -> tuple[tuple[int | None, str, str | None], ...]:
        """The texts to scan: ``(message index, text, role)``; one segment for plain prompts."""
        if self.messages is None:
            return ((None, self.text, None),)
        return tuple((i, m.content, m.role) for i, m in enumerate(self.messages))


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence. Offsets are characters into the original text."""

    rule_id: str
    detector: str
    category: Category
    severity: Severity
    confidence: float
    start: int
    end: int
    evidence: str
    message: int | None = None
    """Index of the chat message the offsets refer to (chat records only)."""
    view: str = "raw"
    """The view the match was made in (``raw``, ``normalized``, ``leet``, ``base64>rot13``...)."""
    description: str = ""
    subtype: str | None = None
    """For PII and secrets: the entity type (``EMAIL``, ``AWS_ACCESS_KEY``...)."""
    suppressed: bool = False
    justification: str = ""
    """Why the finding is suppressed (the reason after an inline ``sentinel: ignore[...]``)."""
    fingerprint: str = ""
    """Stable id of this finding across runs and unrelated edits (SARIF, baselines)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "detector": self.detector,
            "category": self.category.value,
            "severity": self.severity.value,
            "confidence": round(self.confidence, 4),
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "message": self.message,
            "view": self.view,
            "type": self.subtype,
        }


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """A span of personal data or a secret, as reported in the record's ``pii`` list."""

    type: str
    start: int
    end: int
    message: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "start": self.start, "end": self.end, "message": self.message}


@dataclass(frozen=True, slots=True)
class LlmJudgement:
    """How the optional LLM judge was used for a record (filled by the judge layer)."""

    provider: str | None
    model: str | None
    label: str | None
    category: str | None
    confidence: float | None
    cached: bool = False
    error: str | None = None
    skipped: str | None = None
    """Why the judge was not called although it was enabled (budget, circuit open)."""
    reason: str | None = None
    """The judge's short reason for its label."""
    local_verdict: str | None = None
    """The verdict of the local detectors alone, before the judge's answer was combined."""
    local_score: float | None = None
    """The local score before combining; ``score`` in the record is the combined one."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "label": self.label,
            "category": self.category,
            "confidence": self.confidence,
            "cached": self.cached,
            "error": self.error,
            "skipped": self.skipped,
            "reason": self.reason,
            "local_verdict": self.local_verdict,
            "local_score": None if self.local_score is None else round(self.local_score, 4),
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The verdict for one prompt: the record every output format writes."""

    id: str
    location: Location
    verdict: Verdict
    score: float
    categories: tuple[str, ...]
    findings: tuple[Finding, ...]
    pii: tuple[PiiSpan, ...]
    elapsed_ms: float
    redacted: str | None = None
    llm: LlmJudgement | None = None
    text_sha256: str = ""
    length: int = 0
    text_hash: str = ""
    """SHA-256 of the normalised text (``text_hash.text_hash``): equal for repeats of one attack."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Pass-through values for formatters that need them (never serialised)."""

    @property
    def source(self) -> str:
        return str(self.location)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON record (README, "Record schema")."""
        return {
            "id": self.id,
            "source": self.source,
            "verdict": self.verdict.value,
            "score": round(self.score, 4),
            "categories": list(self.categories),
            "findings": [f.to_dict() for f in self.findings if not f.suppressed],
            "pii": [p.to_dict() for p in self.pii],
            "redacted": self.redacted,
            "llm": None if self.llm is None else self.llm.to_dict(),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "text_hash": self.text_hash,
        }


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Static description of a rule, for ``sentinel detectors``, SARIF and baselines."""

    id: str
    name: str
    detector: str
    category: Category
    severity: Severity
    confidence: float
    description: str
    help: str = ""
    tags: tuple[str, ...] = ()

    def finding(
        self,
        start: int,
        end: int,
        evidence: str,
        *,
        confidence: float | None = None,
        view: str = "raw",
        description: str = "",
    ) -> Finding:
        """A finding of this rule: its id, detector, category and severity, its confidence
        unless another is given, and its description unless another is given."""
        return Finding(
            rule_id=self.id,
            detector=self.detector,
            category=self.category,
            severity=self.severity,
            confidence=self.confidence if confidence is None else confidence,
            start=start,
            end=end,
            evidence=evidence,
            view=view,
            description=description or self.description,
        )
