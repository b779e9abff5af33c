"""The local learned detector: a calibrated linear model over character and word n-grams.

It reads the folded text (``features.canonical``), scores it window by window
and reports one finding, ``ML001``, for the most suspicious window when the
calibrated probability reaches the model's floor. Its ``confidence`` is that
probability, so the engine's noisy-OR combines it with rule evidence: a
strong rule hit blocks on its own, and the model alone can flag or block at
the mode's thresholds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

from sentinel_cli.detectors.base import Detector
from sentinel_cli.detectors.heuristics import evidence_of
from sentinel_cli.frozen import frozen
from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import DEFAULT_PATH
from sentinel_cli.localmodel.classifier import Classifier, best_window
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalize import DECODED, OBFUSCATION, Document

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

RULE_ID = "ML001"
_SEGMENT = re.compile(r"[^\n.!?。！？]+[.!?。！？]*")
_RULE = RuleInfo(
    id=RULE_ID,
    name="learned-classifier",
    detector="model",
    category=Category.DIRECT_INJECTION,
    severity=Severity.MEDIUM,
    confidence=0.0,
    description="A learned classifier finds the text likely to be a prompt injection or jailbreak.",
    help="Confidence is the model's calibrated probability; see the model card for its data and metrics.",
    tags=("model",),
)


@frozen
class Assessment:
    """Where the model found the text most suspicious: margin, span in the original, view."""

    margin: float
    start: int
    end: int
    view: str
    grams: features.Grams | None


@cache
def shared_classifier(path: Path = DEFAULT_PATH) -> Classifier:
    """Load each model file once per process: detectors built per run share it."""
    return Classifier.load(path)


def severity_of(probability: float) -> Severity:
    if probability >= 0.9:
        return Severity.HIGH
    if probability >= 0.6:
        return Severity.MEDIUM
    return Severity.LOW


class ModelDetector(Detector):
    """Scores every window of the text with the shipped classifier; reports the worst one."""

    id: ClassVar[str] = "model"
    description: ClassVar[str] = "Local learned classifier (char and word n-grams, calibrated)."

    def __init__(self, classifier: Classifier | None = None) -> None:
        # The artifact is read when the first text is scored (or the version is asked
        # for), not when the detector is built: a run that scores nothing never pays for it.
        self._loaded = classifier

    @property
    def _classifier(self) -> Classifier:
        if self._loaded is None:
            self._loaded = shared_classifier()
        return self._loaded

    @property
    def version(self) -> str:  # type: ignore[override]
        return self._classifier.version

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls()

    def rules(self) -> list[RuleInfo]:
        return [_RULE]

    def _telling_part(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The sentence or line of a window that scores highest: the finding's span.

        The window is what was scored; the span shows a person why, and it stays put
        when unrelated lines of the document change, so the finding's fingerprint (and
        a baseline entry) survives such edits.
        """
        segments = [m for m in _SEGMENT.finditer(text, start, end) if len(m.group().strip()) >= 12]
        if not segments:
            return start, end
        best = segments[0]
        if len(segments) > 1:  # one sentence needs no scoring: it is the telling one
            # Ranked by their words alone: the span only shows a person why, and the
            # full featuriser on every sentence had cost as much as the window itself.
            score = self._classifier.word_score
            best = max(segments, key=lambda m: score(features.canonical(m.group())))
        sentence = best.group()
        return best.start() + len(sentence) - len(sentence.lstrip()), best.end()

    def assess(self, doc: Document) -> Assessment:
        """The most suspicious window over the text and its decoded and de-obfuscated views.

        Payloads hidden in base64, ROT13, letter spacing or leetspeak are scored
        as the normaliser decodes them, and the worst of everything counts.
        """
        classifier = self._classifier
        window = best_window(classifier, doc.text)
        best = Assessment(window.margin, window.start, window.end, "canonical", window.grams)
        for view in doc.select((OBFUSCATION, DECODED)):
            window = best_window(classifier, view.text)
            if window.margin > best.margin:
                start, end = view.to_original(window.start, window.end)
                best = Assessment(window.margin, start, end, view.name, window.grams)
        if best.grams is not None:
            margin = classifier.robust_margin(best.grams, best.margin)
            best = Assessment(margin, best.start, best.end, best.view, best.grams)
        return best

    def prepare(self) -> None:
        self._classifier  # noqa: B018 - loads the artifact

    def detect(self, doc: Document) -> list[Finding]:
        classifier = self._classifier
        found = self.assess(doc)
        probability = classifier.probability(found.margin)
        if probability < classifier.floor or found.grams is None:
            return []
        start, end = found.start, found.end
        if found.view == "canonical":
            start, end = self._telling_part(doc.text, start, end)
        jailbreak = classifier.jailbreak_probability(found.grams) >= 0.5
        return [
            Finding(
                rule_id=RULE_ID,
                detector=self.id,
                category=Category.JAILBREAK if jailbreak else Category.DIRECT_INJECTION,
                severity=severity_of(probability),
                confidence=probability,
                start=start,
                end=end,
                evidence=evidence_of(doc.text, start, end),
                view=found.view,
                description=_RULE.description,
            )
        ]
