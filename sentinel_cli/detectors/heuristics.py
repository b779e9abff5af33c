"""Rule-based detection: the rule packs (and the user's rules), run on every view.

A rule is reported once, from the first view it matches in (``raw`` first).
When a threat rule matches inside a decoded payload, or only in a folded view
(homoglyphs, invisible characters, letter spacing, leetspeak), the disguise is
evidence too: an ``encoding_attack`` finding names the view chain and the
inner rule. Decoding limits that stopped work are reported, never skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Self

from sentinel_cli.detectors.base import Detector
from sentinel_cli.detectors.mentions import DISCUSSION_SIGNAL, MENTION_FACTOR, is_quoted
from sentinel_cli.errors import ConfigError
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalize import NORMALIZED, RAW, Document, View
from sentinel_cli.rulematch import Match, RuleMatcher
from sentinel_cli.rulepack import Rule, Signal, builtin_packs, check_unique, compile_rule, load_pack_file

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

EVIDENCE_CHARS = 80
DETECTOR_ID = "heuristics"
SMUGGLED = ("tags", "varsel")
"""Encodings that hide text in invisible characters."""


def _info(rule_id: str, name: str, severity: Severity, confidence: float, description: str) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        name=name,
        detector=DETECTOR_ID,
        category=Category.ENCODING_ATTACK,
        severity=severity,
        confidence=confidence,
        description=description,
    )


DECODED_ATTACK = _info(
    "EN001",
    "decoded-payload-attack",
    Severity.HIGH,
    0.85,
    "An encoded payload (base64, hex, ROT13, URL encoding...) decodes to text that a threat rule matches.",
)
OBFUSCATED_ATTACK = _info(
    "EN002",
    "obfuscated-attack",
    Severity.HIGH,
    0.7,
    "A threat rule matches only after folding homoglyphs, invisible characters, spacing or leetspeak.",
)
SMUGGLED_TEXT = _info(
    "EN003",
    "smuggled-text",
    Severity.HIGH,
    0.6,
    "Readable text is hidden in invisible Unicode tag characters or variation selectors.",
)
DEPTH_LIMIT = _info(
    "EN090",
    "decode-depth-limit",
    Severity.MEDIUM,
    0.5,  # flagged: an attack nested four times must not pass as allow (it never fires on the dev set)
    "Encoded data is nested deeper than the decoder follows; the innermost layer was not scanned.",
)
SIZE_LIMIT = _info(
    "EN091",
    "decode-size-limit",
    Severity.INFO,
    0.1,
    "More encoded data than the decoding limits allow; the rest was not decoded and scanned.",
)
ENGINE_RULES = (DECODED_ATTACK, OBFUSCATED_ATTACK, SMUGGLED_TEXT, DEPTH_LIMIT, SIZE_LIMIT)


def evidence_of(text: str, start: int, end: int) -> str:
    """A short, single-line excerpt of the matched text for people to check."""
    snippet = " ".join(text[start:end].split())
    if len(snippet) > EVIDENCE_CHARS:
        snippet = snippet[: EVIDENCE_CHARS - 1] + "…"
    return snippet


def _finding(
    info: RuleInfo,
    view: View,
    start: int,
    end: int,
    evidence: str,
    description: str = "",
    confidence: float | None = None,
) -> Finding:
    first, last = view.to_original(start, end)
    return info.finding(first, last, evidence, confidence=confidence, view=view.name, description=description)


def load_rules(settings: Settings) -> tuple[list[Rule], list[Signal], str]:
    """Built-in packs, then the user's rule files and inline rules, minus disabled ones."""
    packs = builtin_packs(DETECTOR_ID)
    version = "+".join(f"{pack.id}-{pack.version}" for pack in packs)
    packs += [load_pack_file(path, detector=DETECTOR_ID) for path in settings.rule_files]
    rules = [rule for pack in packs for rule in pack.rules]
    signals = [signal for pack in packs for signal in pack.signals]
    user = [
        compile_rule(e, detector=DETECTOR_ID, where=f"config rules[{i}]")
        for i, e in enumerate(settings.rules)
    ]
    reserved = {info.id for info in ENGINE_RULES}
    clash = [rule.info.id for rule in (*rules, *user) if rule.info.id in reserved]
    if clash:
        raise ConfigError(f"rule id {clash[0]} is reserved for sentinel's own evidence")
    rules.extend(user)
    check_unique(tuple(rules), "rules (built-in and configured)")
    known = {signal.name for signal in signals}
    for rule in rules:
        missing = [name for name in rule.requires if name not in known]
        if missing:
            raise ConfigError(f"rule {rule.info.id} requires unknown signal(s): {', '.join(missing)}")
    extra = len(rules) - sum(len(pack.rules) for pack in packs[: len(packs) - len(settings.rule_files)])
    if extra:
        version += f"+user-{extra}"
    disabled = set(settings.disabled_rules)
    return [rule for rule in rules if rule.info.id not in disabled], signals, version


def _confidence(rule: Rule, signals: set[str]) -> float | None:
    """The rule's confidence given the context signals present (``None``: not reported)."""
    if not rule.requires or signals.intersection(rule.requires):
        return rule.info.confidence
    return rule.unmet_confidence


class HeuristicDetector(Detector):
    """Matches the rule packs against each normalised and decoded view of the text."""

    id: ClassVar[str] = DETECTOR_ID
    description: ClassVar[str] = (
        "Rule packs of injection, jailbreak, prompt-leak, context-switching and exfiltration "
        "patterns, matched on normalised and decoded views."
    )

    def __init__(
        self,
        rules: Sequence[Rule],
        version: str,
        disabled: frozenset[str] = frozenset(),
        signals: Sequence[Signal] = (),
    ) -> None:
        self._matcher = RuleMatcher(rules, signals)
        self._by_id = {rule.info.id: rule for rule in rules if rule.subsumed_by}
        self._engine_rules = tuple(info for info in ENGINE_RULES if info.id not in disabled)
        self._enabled = frozenset(info.id for info in self._engine_rules)
        self.version = version  # type: ignore[misc]

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        rules, signals, version = load_rules(settings)
        return cls(rules, version, frozenset(settings.disabled_rules), signals)

    def rules(self) -> Sequence[RuleInfo]:
        return [rule.info for rule in self._matcher.rules] + list(self._engine_rules)

    def prepare(self) -> None:
        self._matcher.prepare()

    def detect(self, doc: Document) -> list[Finding]:
        matches: list[tuple[View, Match, Rule]] = []
        signals: set[str] = set()
        found: dict[str, Finding] = {}
        for view in doc.views:
            for match in self._matcher.find(view.text):
                if isinstance(match.item, Signal):
                    signals.add(match.item.name)
                else:
                    matches.append((view, match, match.item))
            smuggled = view.encodings and view.encodings[0] in SMUGGLED and len(view.text.strip()) >= 8
            if smuggled and SMUGGLED_TEXT.id in self._enabled and SMUGGLED_TEXT.id not in found:
                evidence = evidence_of(view.text, 0, len(view.text))
                found[SMUGGLED_TEXT.id] = _finding(SMUGGLED_TEXT, view, 0, len(view.text), evidence)
        raw_threats: set[str] = set()
        for view, match, rule in matches:
            confidence = _confidence(rule, signals)
            if confidence is None:
                continue
            if (
                DISCUSSION_SIGNAL in signals
                and view.name in (RAW, NORMALIZED)
                and is_quoted(view.text, match.start, match.end)
            ):
                confidence *= MENTION_FACTOR
            info = rule.info
            if info.id not in found:
                evidence = evidence_of(view.text, match.start, match.end)
                found[info.id] = _finding(info, view, match.start, match.end, evidence, confidence=confidence)
            if not info.category.is_threat:
                continue
            if view.name == RAW:
                raw_threats.add(info.id)
            elif view.encodings or info.id not in raw_threats:
                self._disguise(found, view, match.start, match.end, info)
        self._limits(doc, found)
        return [finding for key, finding in found.items() if not self._subsumed(key, found)]

    def _subsumed(self, rule_id: str, found: dict[str, Finding]) -> bool:
        rule = self._by_id.get(rule_id)
        return rule is not None and any(other in found for other in rule.subsumed_by)

    def _disguise(self, found: dict[str, Finding], view: View, start: int, end: int, inner: RuleInfo) -> None:
        info = DECODED_ATTACK if view.encodings else OBFUSCATED_ATTACK
        if info.id in found or info.id not in self._enabled:
            return
        how = " > ".join(view.encodings) if view.encodings else view.name.split("+")[-1]
        description = f"{info.description} View {view.name!r} ({how}) matches {inner.id} ({inner.name})."
        found[info.id] = _finding(info, view, start, end, evidence_of(view.text, start, end), description)

    def _limits(self, doc: Document, found: dict[str, Finding]) -> None:
        for note in doc.limits:
            info = DEPTH_LIMIT if note.kind == "depth" else SIZE_LIMIT
            if info.id in found or info.id not in self._enabled:
                continue
            evidence = evidence_of(doc.text, note.start, note.end)
            description = f"{info.description} ({note.detail})"
            found[info.id] = info.finding(note.start, note.end, evidence, view=RAW, description=description)
