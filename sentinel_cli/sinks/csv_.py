"""CSV: one row per record; list and object fields are JSON-encoded in their cell."""

from __future__ import annotations

import csv
import json
from typing import Any

from sentinel_cli.model import ScanResult
from sentinel_cli.sinks.base import Sink

COLUMNS = (
    "id",
    "source",
    "verdict",
    "score",
    "categories",
    "findings",
    "pii",
    "redacted",
    "llm",
    "elapsed_ms",
    "text_hash",
)


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else value


class CsvSink(Sink):
    _writer: Any = None

    def write(self, result: ScanResult) -> None:
        if self._writer is None:
            self._writer = csv.writer(self.output.text(), lineterminator="\n")
            self._writer.writerow(COLUMNS)
        record = result.to_dict()
        self._writer.writerow([_cell(record[column]) for column in COLUMNS])

    def close(self) -> None:
        if self._writer is None:
            csv.writer(self.output.text(), lineterminator="\n").writerow(COLUMNS)
        super().close()
