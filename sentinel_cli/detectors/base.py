"""The detector interface every built-in and plug-in detector implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Self

from sentinel_cli.model import Finding, RuleInfo
from sentinel_cli.normalize import Document

if TYPE_CHECKING:
    from sentinel_cli.config import Settings


class Detector(ABC):
    """Finds evidence in a document. Pure: no I/O and no printing in ``detect``.

    ``id`` is permanent: it names the detector in ``--detectors``, in every
    finding and in baselines, so it never changes once released.
    """

    id: ClassVar[str]
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Build the detector from the run's settings (override to read options)."""
        return cls()

    def rules(self) -> Sequence[RuleInfo]:
        """The rules this detector can report (for ``sentinel detectors`` and SARIF)."""
        return ()

    @abstractmethod
    def detect(self, doc: Document) -> list[Finding]:
        """Every finding in ``doc``, with offsets into ``doc.text``."""

    def prepare(self) -> None:
        """Do now the work otherwise done on first use (compiling patterns, loading a model).

        Called before worker processes are forked, so that they inherit the result instead
        of each doing it again; a one-prompt scan never calls it. The default does nothing."""

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Finding]]:
        """Findings for many documents; override when a detector can batch (a model, an API)."""
        return [self.detect(doc) for doc in docs]
