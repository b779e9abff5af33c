"""The check interface: a small class per check, run by ``runner`` with a timeout.

A check is pure apart from what it inspects: it never prints, and it reports
through the ``Outcome`` it returns. ``run`` is called on a worker thread and
must bound its own waits by ``context.timeout``; the runner gives up on it
shortly after that regardless.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from sentinel_cli.frozen import frozen

if TYPE_CHECKING:
    from sentinel_cli.config import Settings
    from sentinel_cli.health.model import Outcome


@frozen
class Context:
    """What every check may read: the effective settings (or why there are none) and the timeout."""

    settings: Settings | None
    config_error: str | None
    config_file: Path | None
    timeout: float

    def require_settings(self) -> Settings:
        assert self.settings is not None, "the runner only runs settings checks with valid settings"
        return self.settings


class Check(ABC):
    name: str
    """Stable: ``--check`` takes it and scripts read it from the JSON."""
    title: str
    """What is checked, in a few words (for ``--help`` and the README)."""
    needs_settings: bool = True
    """False only for the configuration check itself, which reports why there are no settings."""
    timeout_remedy: str = "raise --timeout, or find out what the check waits on"

    def prepare(self, context: Context) -> None:
        """Slow one-time setup (importing an SDK), done before the check's timer starts."""

    def needed(self, settings: Settings) -> bool:
        """Whether the configured job depends on this (``--probe ready`` runs only those)."""
        return True

    @abstractmethod
    def run(self, context: Context) -> Outcome:
        """Inspect and report; raise nothing expected (the runner reports the unexpected)."""
