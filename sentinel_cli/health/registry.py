"""Every check, registered explicitly under a stable name, and the sets the probes run.

Names are an interface: ``--check`` takes them, scripts read them from the
JSON, and they never change once released. ``--check llm`` selects every
``llm.*`` check (a family is the part before the dot).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sentinel_cli.config import LLM_PROVIDERS
from sentinel_cli.errors import UsageError
from sentinel_cli.health.budget import BudgetCheck
from sentinel_cli.health.config_check import ConfigCheck
from sentinel_cli.health.detectors import DetectorsCheck
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.providers import ProviderCheck
from sentinel_cli.health.storage import CacheCheck, DataCheck
from sentinel_cli.health.system import MemoryCheck
from sentinel_cli.health.telemetry import OtlpCheck, PushgatewayCheck


class Probe(StrEnum):
    """``live``: the process starts and the configuration parses. ``ready``: everything the
    configured job needs (checks for unused features are left out)."""

    LIVE = "live"
    READY = "ready"


def all_checks() -> list[Check]:
    """Fresh instances, in report order."""
    return [
        ConfigCheck(),
        DetectorsCheck(),
        CacheCheck(),
        DataCheck(),
        MemoryCheck(),
        *(ProviderCheck(name) for name in LLM_PROVIDERS),
        PushgatewayCheck(),
        OtlpCheck(),
        BudgetCheck(),
    ]


def names() -> list[str]:
    return [check.name for check in all_checks()]


def select(wanted: Sequence[str]) -> list[Check]:
    """The checks named (or whose family is named), in report order; unknown names are usage errors."""
    checks = all_checks()
    known = {check.name for check in checks}
    families = {check.name.split(".", 1)[0] for check in checks if "." in check.name}
    unknown = [name for name in wanted if name not in known and name not in families]
    if unknown:
        raise UsageError(
            f"--check: unknown check(s) {', '.join(unknown)} (known: {', '.join(sorted(known | families))})"
        )
    chosen = set(wanted)
    return [c for c in checks if c.name in chosen or c.name.split(".", 1)[0] in chosen]


def for_probe(probe: Probe, context: Context) -> list[Check]:
    checks = all_checks()
    if probe is Probe.LIVE:
        return [c for c in checks if not c.needs_settings]
    settings = context.settings
    if settings is None:
        # Without valid settings nothing else can be judged: report the configuration alone.
        return [c for c in checks if not c.needs_settings]
    return [c for c in checks if not c.needs_settings or c.needed(settings)]
