"""The audit log: one JSON line (``schema.AUDIT_FIELDS``) per flag, redact, strip and block.

It records what was decided and why (rule ids, categories, score, offsets) and
where the prompt came from, but never the prompt or the matched text: only a
SHA-256 and a length, so the log can be kept longer and shared more widely
than the data. The file is appended to and flushed after every batch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from sentinel_cli import __version__
from sentinel_cli.errors import InputError, RuntimeFailure, UsageError
from sentinel_cli.model import ScanResult, Verdict
from sentinel_cli.private_files import open_private
from sentinel_cli.runner import RunSummary
from sentinel_cli.sources.base import Source
from sentinel_cli.telemetry.logs import timestamp
from sentinel_cli.telemetry.schema import AUDIT_SCHEMA_ID


def audit_record(
    result: ScanResult, *, run_id: str, mode: str, when: float, trace_id: str | None
) -> dict[str, Any]:
    findings = [f for f in result.findings if not f.suppressed]
    record: dict[str, Any] = {
        "schema": AUDIT_SCHEMA_ID,
        "timestamp": timestamp(when),
        "run_id": run_id,
        "tool_version": __version__,
        "verdict": result.verdict.value,
        "mode": mode,
        "score": round(result.score, 4),
        "categories": list(result.categories),
        "rule_ids": sorted({f.rule_id for f in findings}),
        "findings": [
            {
                "rule_id": f.rule_id,
                "detector": f.detector,
                "category": f.category.value,
                "severity": f.severity.value,
                "confidence": round(f.confidence, 4),
                "start": f.start,
                "end": f.end,
                "message": f.message,
                "type": f.subtype,
            }
            for f in findings
        ],
        "pii_types": sorted({span.type for span in result.pii}),
        "text_sha256": result.text_sha256,
        "text_hash": result.text_hash,
        "length": result.length,
        "record_id": result.id,
        "source": result.source,
        "file": result.location.file,
        "line": result.location.line,
        "row": result.location.row,
    }
    if trace_id is not None:
        record["trace_id"] = trace_id
    return record


class AuditObserver:
    """Runner observer that appends audit lines for every verdict above ``allow``."""

    def __init__(
        self,
        path: Path,
        *,
        run_id: str,
        mode: str,
        trace_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.mode = mode
        self.trace_id = trace_id
        self.written = 0
        try:
            self._file: IO[str] | None = open_private(path)
        except OSError as exc:
            raise UsageError(f"--audit-log {path}: cannot open ({exc.strerror})") from None

    def on_input(self, source: Source) -> None:
        return None

    def on_batch(self, source: Source, results: Sequence[ScanResult]) -> None:
        if self._file is None:
            return
        lines = [
            json.dumps(
                audit_record(
                    r, run_id=self.run_id, mode=self.mode, when=time.time(), trace_id=self.trace_id()
                ),
                ensure_ascii=False,
                separators=(",", ":"),
            )
            for r in results
            if r.verdict is not Verdict.ALLOW
        ]
        if not lines:
            return
        try:
            self._file.write("\n".join(lines) + "\n")
            self._file.flush()
        except OSError as exc:
            raise RuntimeFailure(f"--audit-log {self.path}: cannot write ({exc.strerror})") from None
        self.written += len(lines)

    def on_bad_record(self, error: InputError) -> None:
        return None

    def on_finish(self, summary: RunSummary) -> None:
        self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
