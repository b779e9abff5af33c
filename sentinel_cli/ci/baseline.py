"""Baselines: the findings a repository has accepted, by fingerprint.

``sentinel baseline create`` records the current findings; ``sentinel scan
--baseline FILE`` then drops those (before scoring, so they neither report
nor gate) and only new findings count; ``sentinel baseline update`` records
the current state again and says which recorded findings are gone. The file
holds no matched text, so it never trips a scan of the repository itself,
and no timestamps, so an unchanged baseline does not churn in version control.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentinel_cli.ci.repo import RepoPaths
from sentinel_cli.errors import UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.model import Finding, Prompt, ScanResult
from sentinel_cli.sinks.base import Sink

FORMAT_VERSION = 1
DEFAULT_BASELINE = ".sentinel-baseline.json"


@frozen
class Entry:
    fingerprint: str
    rule_id: str
    file: str
    line: int | None
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule_id": self.rule_id,
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
        }

    def describe(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where} {self.rule_id} ({self.severity}, fingerprint {self.fingerprint[:12]})"


@dataclass(slots=True)
class Baseline:
    paths: list[str]
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_dict(self, tool_version: str) -> dict[str, Any]:
        ordered = sorted(self.entries.values(), key=lambda e: (e.file, e.line or 0, e.rule_id, e.fingerprint))
        return {
            "version": FORMAT_VERSION,
            "generated_by": f"sentinel {tool_version}",
            "paths": self.paths,
            "findings": [entry.to_dict() for entry in ordered],
        }


def load(path: Path) -> Baseline:
    """Read a baseline file; problems are usage errors naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such baseline (create one with 'sentinel baseline create')") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read baseline ({(exc.strerror or str(exc)).lower()})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a sentinel baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path}: not a sentinel baseline (no 'findings' list)")
    if data.get("version") != FORMAT_VERSION:
        raise UsageError(f"{path}: baseline format version {data.get('version')!r} is not supported")
    entries = {}
    for number, item in enumerate(data["findings"], start=1):
        try:
            entry = Entry(
                fingerprint=str(item["fingerprint"]),
                rule_id=str(item["rule_id"]),
                file=str(item.get("file", "")),
                line=item.get("line"),
                severity=str(item.get("severity", "")),
            )
        except (KeyError, TypeError):
            raise UsageError(f"{path}: finding {number} needs 'fingerprint' and 'rule_id'") from None
        entries[entry.fingerprint] = entry
    paths = data.get("paths")
    return Baseline(paths=[str(p) for p in paths] if isinstance(paths, list) else ["."], entries=entries)


def dump(baseline: Baseline, path: Path, tool_version: str) -> None:
    """Write atomically: a failed write never leaves half a baseline behind."""
    text = json.dumps(baseline.to_dict(tool_version), indent=2, ensure_ascii=False) + "\n"
    parent = path.parent if str(path.parent) else Path()
    try:
        fd, temp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write there ({(exc.strerror or str(exc)).lower()})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class BaselineFilter:
    """Engine stage: drops findings recorded in the baseline (after fingerprinting)."""

    def __init__(self, fingerprints: Iterable[str]) -> None:
        self.known = frozenset(fingerprints)
        self.matched = 0

    def __call__(self, prompt: Prompt, findings: list[Finding]) -> list[Finding]:
        if not findings or not self.known:
            return findings
        kept = [f for f in findings if f.suppressed or f.fingerprint not in self.known]
        self.matched += len(findings) - len(kept)
        return kept


def finding_line(result: ScanResult, finding: Finding) -> int | None:
    """The line a finding starts on, as precisely as the reader knows it."""
    origin = result.location.origin
    if origin is not None and finding.message is None:
        position = origin.position(finding.start)
        if position is not None:
            return position[0]
    return result.location.line


class BaselineCollector(Sink):
    """A sink that keeps the run's (unsuppressed) findings as baseline entries."""

    def __init__(self, paths: RepoPaths, *args: Any) -> None:
        super().__init__(*args)
        self.paths = paths
        self.entries: dict[str, Entry] = {}

    def write(self, result: ScanResult) -> None:
        for finding in result.findings:
            if finding.suppressed or not finding.fingerprint:
                continue
            self.entries[finding.fingerprint] = Entry(
                fingerprint=finding.fingerprint,
                rule_id=finding.rule_id,
                file=self.paths.key(result.location.file),
                line=finding_line(result, finding),
                severity=finding.severity.value,
            )


def diff(old: Baseline, new: dict[str, Entry]) -> tuple[list[Entry], list[Entry]]:
    """``(gone, added)``: recorded findings no longer found, and findings not recorded before."""
    gone = [entry for key, entry in old.entries.items() if key not in new]
    added = [entry for key, entry in new.items() if key not in old.entries]
    order = lambda e: (e.file, e.line or 0, e.rule_id)  # noqa: E731
    return sorted(gone, key=order), sorted(added, key=order)
