"""Storage checks: the cache directory (writable, its size, free disk) and the data directory with
the cost ledger (readable, writable).

Both are probed for real: a temporary file is created and removed, because
permission bits say nothing for root and nothing about read-only mounts. A
missing directory is not created (the judge creates it on first use); its
nearest existing parent is probed instead. The ledger is opened read-only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentinel_cli.frozen import frozen
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, Status, degraded, healthy, unhealthy

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

MIB = 1024 * 1024
UNHEALTHY_FREE_BYTES = 32 * MIB
DEGRADED_FREE_BYTES = 256 * MIB


@frozen
class Writable:
    ok: bool
    exists: bool
    probed: Path
    """The directory the probe file was written in (the path, or its nearest existing parent)."""
    error: str | None = None


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def probe_writable(path: Path) -> Writable:
    """Can a file be created in ``path`` (or, when it is missing, can ``path`` be created)?"""
    target = _nearest_existing(path)
    exists = target == path
    if not target.is_dir():
        return Writable(False, exists, target, f"{target} is not a directory")
    try:
        handle, name = tempfile.mkstemp(prefix=".sentinel-health-", dir=target)
        try:
            os.write(handle, b"ok")
        finally:
            os.close(handle)
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        return Writable(False, exists, target, (exc.strerror or str(exc)).lower())
    return Writable(True, exists, target)


def tree_size(path: Path) -> int:
    """Bytes in regular files under ``path`` (symbolic links not followed)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_size
            except OSError:
                continue
    return total


def _mib(value: int) -> str:
    return f"{value / MIB:,.1f} MiB"


class CacheCheck(Check):
    name = "cache"
    title = "cache directory writable; its size and the free disk space"
    timeout_remedy = "the cache directory is slow to list or write (network file system?); check its disk"

    def __init__(
        self, unhealthy_free: int = UNHEALTHY_FREE_BYTES, degraded_free: int = DEGRADED_FREE_BYTES
    ) -> None:
        self.unhealthy_free = unhealthy_free
        self.degraded_free = degraded_free

    def needed(self, settings: Settings) -> bool:
        return _cache_in_use(settings)

    def run(self, context: Context) -> Outcome:
        settings = context.require_settings()
        path = settings.cache_dir
        probe = probe_writable(path)
        size = tree_size(path) if probe.exists else 0
        facts: dict[str, Any] = {
            "path": str(path),
            "exists": probe.exists,
            "writable": probe.ok,
            "size_bytes": size,
            "free_bytes": None,
            "llm_cache": _cache_in_use(settings),
        }
        outcome = self._judge(path, probe, size, facts)
        if not facts["llm_cache"]:
            return outcome.capped(Status.DEGRADED, "the LLM cache is not in use")
        return outcome

    def _judge(self, path: Path, probe: Writable, size: int, facts: dict[str, Any]) -> Outcome:
        if not probe.ok:
            return unhealthy(
                f"{path} is not writable: {probe.error}",
                "point cache_dir (SENTINEL_CACHE_DIR) at a writable directory, or run with --no-cache",
                **facts,
            )
        free = shutil.disk_usage(probe.probed).free
        facts["free_bytes"] = free
        state = "" if probe.exists else " (not created yet)"
        summary = f"{path}{state}: writable, {_mib(size)} used, {_mib(free)} free"
        if free < self.unhealthy_free:
            return unhealthy(
                f"{summary}: below {_mib(self.unhealthy_free)}",
                "free disk space, or point cache_dir at a larger disk",
                **facts,
            )
        if free < self.degraded_free:
            return degraded(
                f"{summary}: below {_mib(self.degraded_free)}",
                "free disk space soon, or lower llm_cache_size_mb",
                **facts,
            )
        return healthy(summary, **facts)


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _cache_in_use(settings: Settings) -> bool:
    return settings.llm != "off" and settings.llm_cache


class DataCheck(Check):
    name = "data"
    title = "data directory writable; cost ledger readable"
    timeout_remedy = "the cost ledger is locked or on a slow disk; check for a stuck sentinel process"

    def needed(self, settings: Settings) -> bool:
        return settings.llm != "off"

    def run(self, context: Context) -> Outcome:
        from sentinel_cli.llm.ledger import SCHEMA_VERSION, Ledger, ledger_path

        settings = context.require_settings()
        probe = probe_writable(settings.data_dir)
        path = ledger_path(settings.data_dir)
        facts: dict[str, Any] = {
            "path": str(settings.data_dir),
            "exists": probe.exists,
            "writable": probe.ok,
            "ledger": str(path),
            "ledger_rows": None,
            "ledger_bytes": None,
            "last_call": None,
        }
        outcome: Outcome
        version = SCHEMA_VERSION
        if path.exists():
            try:
                ledger = Ledger(path, read_only=True, timeout=context.timeout)
                try:
                    rows, newest, version = ledger.summary()
                finally:
                    ledger.close()
            except Exception as exc:  # noqa: BLE001 - an unreadable ledger is the finding
                message = " ".join(str(exc).split())
                outcome = unhealthy(
                    f"cost ledger unreadable: {message}",
                    f"restore or move away {path} (a new ledger starts empty; spend history is lost)",
                    **facts,
                )
                return self._final(settings, outcome)
            last = (
                None if newest is None else datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds")
            )
            facts.update(ledger_rows=rows, ledger_bytes=path.stat().st_size, last_call=last)
        if not probe.ok:
            outcome = unhealthy(
                f"{settings.data_dir} is not writable: {probe.error}",
                "point data_dir (SENTINEL_DATA_DIR) at a writable directory",
                **facts,
            )
        elif version > SCHEMA_VERSION:
            outcome = degraded(
                f"cost ledger {path} was written by a newer sentinel (schema {version})",
                "upgrade sentinel on this machine, or give it its own data_dir",
                **facts,
            )
        else:
            where = f"{settings.data_dir}{'' if probe.exists else ' (not created yet)'}: writable"
            rows_text = "no cost ledger yet" if facts["ledger_rows"] is None else "cost ledger {} row(s)"
            outcome = healthy(f"{where}; {rows_text.format(facts['ledger_rows'])}", **facts)
        return self._final(settings, outcome)

    def _final(self, settings: Settings, outcome: Outcome) -> Outcome:
        if not self.needed(settings):
            return outcome.capped(Status.DEGRADED, "the LLM judge is off")
        return outcome
