"""Parquet with a fixed Arrow schema (``SCHEMA``), written in row groups as records arrive."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sentinel_cli.model import ScanResult
from sentinel_cli.sinks.base import RunInfo, Sink
from sentinel_cli.sinks.output import Output

FINDING = pa.struct(
    [
        ("rule_id", pa.string()),
        ("detector", pa.string()),
        ("category", pa.string()),
        ("severity", pa.string()),
        ("confidence", pa.float64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("evidence", pa.string()),
        ("message", pa.int32()),
        ("view", pa.string()),
        ("type", pa.string()),
    ]
)
PII = pa.struct([("type", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("message", pa.int32())])
LLM = pa.struct(
    [
        ("provider", pa.string()),
        ("model", pa.string()),
        ("label", pa.string()),
        ("category", pa.string()),
        ("confidence", pa.float64()),
        ("cached", pa.bool_()),
        ("error", pa.string()),
        ("skipped", pa.string()),
        ("reason", pa.string()),
        ("local_verdict", pa.string()),
        ("local_score", pa.float64()),
    ]
)
SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("verdict", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("categories", pa.list_(pa.string()), nullable=False),
        pa.field("findings", pa.list_(FINDING), nullable=False),
        pa.field("pii", pa.list_(PII), nullable=False),
        pa.field("redacted", pa.string()),
        pa.field("llm", LLM),
        pa.field("elapsed_ms", pa.float64(), nullable=False),
        pa.field("text_hash", pa.string(), nullable=False),
    ],
    metadata={"producer": "sentinel", "record": "sentinel scan result v1"},
)

ROW_GROUP = 8192


class ParquetSink(Sink):
    def __init__(self, output: Output, run: RunInfo) -> None:
        super().__init__(output, run)
        self._pending: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def _ensure_writer(self) -> pq.ParquetWriter:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.output.binary(), SCHEMA, compression="zstd")
        return self._writer

    def write(self, result: ScanResult) -> None:
        self._pending.append(result.to_dict())
        if len(self._pending) >= ROW_GROUP:
            self._write_pending()

    def _write_pending(self) -> None:
        if self._pending:
            table = pa.Table.from_pylist(self._pending, schema=SCHEMA)
            self._ensure_writer().write_table(table)
            self._pending = []

    def flush(self) -> None:
        # Parquet cannot be read until its footer is written; flushing early only
        # shrinks row groups, so records stay batched until the row group is full.
        pass

    def close(self) -> None:
        self._write_pending()
        self._ensure_writer().close()
        super().close()
