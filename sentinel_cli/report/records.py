"""Reading threat records back from scan results (JSON Lines, JSON, Parquet) or an audit log.

Every reader yields ``ThreatRecord``s in file order; records whose categories
hold no threat category (clean prompts, PII only) are counted but not kept.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentinel_cli.errors import InputError, UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.model import Category
from sentinel_cli.telemetry.schema import AUDIT_SCHEMA_ID

THREATS = frozenset(c.value for c in Category if c.is_threat)


@frozen
class ThreatRecord:
    text_hash: str
    categories: tuple[str, ...]
    """Threat categories only."""
    rule_ids: tuple[str, ...]
    detectors: tuple[str, ...]
    """Detectors that reported a threat finding."""
    source: str
    timestamp: str | None
    """Audit lines carry the time of the verdict; scan results do not."""


@dataclass
class Totals:
    records: int = 0
    threats: int = 0


def _threat_findings(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f.get("category") in THREATS]


def from_object(obj: Any, where: InputError) -> ThreatRecord | None:
    """One scan result or audit line; ``where`` is the error to raise if it is neither."""
    if not isinstance(obj, dict) or "categories" not in obj or "verdict" not in obj:
        raise where
    if not obj.get("text_hash"):
        raise InputError(
            where.path,
            "no text_hash: written by an older sentinel; scan the prompts again to report patterns",
            line=where.line,
            row=where.row,
        )
    categories = tuple(c for c in obj["categories"] or () if c in THREATS)
    if not categories:
        return None
    findings = _threat_findings(obj.get("findings") or ())
    rule_ids = obj.get("rule_ids") or sorted({f["rule_id"] for f in findings})
    audit = obj.get("schema") == AUDIT_SCHEMA_ID
    return ThreatRecord(
        text_hash=str(obj["text_hash"]),
        categories=categories,
        rule_ids=tuple(sorted(rule_ids)),
        detectors=tuple(sorted({str(f["detector"]) for f in findings if f.get("detector")})),
        source=str(obj.get("source") or ""),
        timestamp=str(obj["timestamp"]) if audit and obj.get("timestamp") else None,
    )


def _json_lines(name: str, lines: Iterable[str], totals: Totals) -> Iterator[ThreatRecord]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = InputError(name, "not a sentinel scan result or audit line", line=number)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(name, f"invalid JSON ({exc.msg})", line=number, column=exc.colno) from None
        totals.records += 1
        record = from_object(obj, where)
        if record is not None:
            totals.threats += 1
            yield record


def _parquet(path: Path, totals: Totals) -> Iterator[ThreatRecord]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"not a Parquet file ({exc})") from None
    names = set(parquet.schema_arrow.names)
    if "text_hash" not in names:
        raise InputError(
            str(path), "no text_hash column: written by an older sentinel; scan the prompts again"
        )
    columns = [c for c in ("text_hash", "verdict", "categories", "findings", "source") if c in names]
    row = 0
    for batch in parquet.iter_batches(columns=columns):
        for obj in batch.to_pylist():
            row += 1
            totals.records += 1
            record = from_object(obj, InputError(str(path), "not a sentinel scan result", row=row))
            if record is not None:
                totals.threats += 1
                yield record


def read_records(names: Iterable[str], totals: Totals) -> Iterator[ThreatRecord]:
    """Records from each file in turn (``-`` is stdin, JSON Lines)."""
    for name in names:
        if name == "-":
            yield from _json_lines("<stdin>", sys.stdin, totals)
            continue
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        with path.open("rb") as handle:
            magic = handle.read(4)
        if magic == b"PAR1" or path.suffix.lower() in (".parquet", ".pq"):
            yield from _parquet(path, totals)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"not UTF-8 text ({exc.reason})") from None
        if text.lstrip().startswith("["):
            yield from _json_array(name, text, totals)
        else:
            yield from _json_lines(name, text.splitlines(), totals)


def _json_array(name: str, text: str, totals: Totals) -> Iterator[ThreatRecord]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"invalid JSON ({exc.msg})", line=exc.lineno, column=exc.colno) from None
    for row, obj in enumerate(items, start=1):
        totals.records += 1
        record = from_object(obj, InputError(name, "not a sentinel scan result or audit line", row=row))
        if record is not None:
            totals.threats += 1
            yield record
