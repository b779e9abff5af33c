"""The detectors check: every configured detector (rule packs, the local model...) loads.

Generic over the detector registry: whatever ``--detectors`` (or the default
set) names is built exactly as a scan builds it, and its ``version`` and rule
count are reported, so new detectors are checked the day they are registered.
"""

from __future__ import annotations

import time
from typing import Any

from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, healthy, unhealthy


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class DetectorsCheck(Check):
    name = "detectors"
    title = "configured detectors, rule packs and the local model load (versions, rule counts)"

    def run(self, context: Context) -> Outcome:
        from sentinel_cli.detectors import registry
        from sentinel_cli.errors import UsageError

        settings = context.require_settings()
        try:
            names = registry.resolve(settings.detectors)
        except UsageError as exc:
            return unhealthy(str(exc), "fix the detectors setting (sentinel detectors lists what exists)")
        loaded: list[dict[str, Any]] = []
        failed: list[str] = []
        for name in names:
            start = time.perf_counter()
            try:
                detector = registry.create([name], settings)[0]
                rules = len(list(detector.rules()))
            except Exception as exc:  # noqa: BLE001 - a detector that cannot load is the finding
                failed.append(f"{name}: {_one_line(exc)}")
                loaded.append(
                    {"id": name, "version": None, "rules": None, "load_ms": None, "error": _one_line(exc)}
                )
                continue
            loaded.append(
                {
                    "id": detector.id,
                    "version": str(detector.version),
                    "rules": rules,
                    "load_ms": round((time.perf_counter() - start) * 1000.0, 1),
                    "error": None,
                }
            )
        if failed:
            return unhealthy(
                "cannot load " + "; ".join(failed),
                "reinstall sentinel or fix the rule pack or model file named above "
                "(or leave the detector out with --detectors)",
                detectors=loaded,
            )
        summary = ", ".join(f"{d['id']} {d['version']} ({d['rules']} rules)" for d in loaded)
        return healthy(f"{len(loaded)} loaded: {summary}", detectors=loaded)
