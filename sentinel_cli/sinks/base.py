"""The formatter interface, the output formats, and the one place that maps one to the other."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import field
from enum import StrEnum
from pathlib import Path
from typing import assert_never

from sentinel_cli.frozen import frozen
from sentinel_cli.model import RuleInfo, ScanResult
from sentinel_cli.sinks.output import Output


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    SARIF = "sarif"
    PARQUET = "parquet"


@frozen
class RunInfo:
    """What formatters may know about the run besides the records."""

    tool_version: str
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    """Every rule the active detectors can report, by id (SARIF rule metadata)."""
    inputs: Sequence[str] = ()
    root: Path | None = None
    """The repository top (or working directory) that SARIF URIs are relative to."""
    baseline: bool = False
    """A baseline filtered the findings: what is reported is new (SARIF ``baselineState``)."""


class Sink(ABC):
    """Writes records to an ``Output`` as they arrive; ``close`` finishes the document."""

    def __init__(self, output: Output, run: RunInfo) -> None:
        self.output = output
        self.run = run

    @abstractmethod
    def write(self, result: ScanResult) -> None: ...

    def write_batch(self, results: Sequence[ScanResult]) -> None:
        for result in results:
            self.write(result)

    def flush(self) -> None:
        """Push written records out now (live pipelines)."""
        self.output.flush()

    def close(self) -> None:
        """Finish the document (closing brackets, footers); the caller commits the output."""
        self.output.flush()


def make_sink(fmt: OutputFormat, output: Output, run: RunInfo) -> Sink:
    """The formatter for ``fmt``; a new format fails type checking until it has one."""
    # Formatter modules are imported on demand so JSON Lines never imports Rich or pyarrow.
    if fmt is OutputFormat.TABLE:
        from sentinel_cli.sinks.table import TableSink

        return TableSink(output, run)
    if fmt is OutputFormat.JSON:
        from sentinel_cli.sinks.json_ import JsonSink

        return JsonSink(output, run)
    if fmt is OutputFormat.JSONL:
        from sentinel_cli.sinks.json_ import JsonLinesSink

        return JsonLinesSink(output, run)
    if fmt is OutputFormat.CSV:
        from sentinel_cli.sinks.csv_ import CsvSink

        return CsvSink(output, run)
    if fmt is OutputFormat.SARIF:
        from sentinel_cli.sinks.sarif import SarifSink

        return SarifSink(output, run)
    if fmt is OutputFormat.PARQUET:
        from sentinel_cli.sinks.parquet import ParquetSink

        return ParquetSink(output, run)
    assert_never(fmt)
