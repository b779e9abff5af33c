"""Which detectors exist: built-ins registered here explicitly, plug-ins by entry point.

Detector modules are imported only when a detector is used, so a scan that
does not need the local model or the LLM judge never pays for importing them.
Plug-ins register a ``Detector`` subclass under the ``sentinel.detectors``
entry-point group.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sentinel_cli.errors import UsageError

if TYPE_CHECKING:
    from sentinel_cli.config import Settings
    from sentinel_cli.detectors.base import Detector

ENTRY_POINT_GROUP = "sentinel.detectors"

BUILTINS: dict[str, str] = {
    "heuristics": "sentinel_cli.detectors.heuristics:HeuristicDetector",
    "unicode": "sentinel_cli.detectors.unicode:UnicodeDetector",
    "model": "sentinel_cli.detectors.model:ModelDetector",
    "pii": "sentinel_cli.detectors.pii:PiiDetector",
    "secrets": "sentinel_cli.detectors.secrets:SecretsDetector",
}
"""Detector id -> ``module:class``. Order is the order detectors run in."""

DEFAULT_DETECTORS: tuple[str, ...] = ("heuristics", "unicode", "pii", "secrets")
"""What runs when ``--detectors`` is not given: every local, offline detector except
``model``, which is opt-in until its false alarms on trigger-word-heavy benign text
(tests/data/adversarial.jsonl) are down (see the README, "Local model")."""


def _load(target: str) -> type[Detector]:
    module_name, _, attribute = target.partition(":")
    cls: type[Detector] = getattr(importlib.import_module(module_name), attribute)
    return cls


def _plugins() -> dict[str, str]:
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available() -> dict[str, str]:
    """Every detector id this installation knows, built-ins first."""
    names = dict(BUILTINS)
    for name, target in _plugins().items():
        names.setdefault(name, target)
    return names


def resolve(names: Sequence[str] | None) -> list[str]:
    """Validate ``--detectors`` (``None`` = defaults); unknown names are a usage error."""
    if names is None:
        return list(DEFAULT_DETECTORS)
    wanted = [name.strip() for name in names if name.strip()]
    if not wanted:
        raise UsageError("--detectors: give at least one detector")
    known = BUILTINS if all(name in BUILTINS for name in wanted) else available()
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UsageError(f"unknown detector(s): {', '.join(unknown)} (available: {', '.join(sorted(known))})")
    return list(dict.fromkeys(wanted))


def create(names: Sequence[str] | None, settings: Settings) -> list[Detector]:
    """Instantiate the chosen detectors in registry order."""
    chosen = resolve(names)
    known = BUILTINS if all(name in BUILTINS for name in chosen) else available()
    ordered = [name for name in known if name in chosen]
    return [_load(known[name]).from_settings(settings) for name in ordered]
