"""Assembling a scan from settings: detectors, engine, inputs, output. No printing.

The ``scan`` command (and anything else that scans, such as ``eval`` or
``baseline create``) builds a ``ScanRequest`` and calls ``execute``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sentinel_cli import __version__
from sentinel_cli.config import Settings
from sentinel_cli.detectors import registry
from sentinel_cli.detectors.base import Detector
from sentinel_cli.engine import Engine, EngineHooks, EngineOptions
from sentinel_cli.exit_codes import ExitCode
from sentinel_cli.model import RuleInfo, Verdict
from sentinel_cli.runner import Observer, RunOptions, RunSummary, run_scan
from sentinel_cli.sinks.base import OutputFormat, RunInfo, make_sink
from sentinel_cli.sinks.output import Output
from sentinel_cli.sources.base import Source
from sentinel_cli.sources.factory import open_source
from sentinel_cli.sources.records import FieldMapper

_FORMAT_BY_SUFFIX: dict[str, OutputFormat] = {
    ".json": OutputFormat.JSON,
    ".jsonl": OutputFormat.JSONL,
    ".ndjson": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".sarif": OutputFormat.SARIF,
    ".parquet": OutputFormat.PARQUET,
    ".pq": OutputFormat.PARQUET,
    ".txt": OutputFormat.TABLE,
}


def choose_format(requested: OutputFormat | None, output: Path | None, stdout_is_tty: bool) -> OutputFormat:
    """``--format``; else the output file's suffix; else table on a terminal, jsonl otherwise."""
    if requested is not None:
        return requested
    if output is not None:
        return _FORMAT_BY_SUFFIX.get(output.suffix.lower(), OutputFormat.JSONL)
    return OutputFormat.TABLE if stdout_is_tty else OutputFormat.JSONL


def fail_on_verdict(value: str) -> Verdict | None:
    return None if value == "never" else Verdict(value)


def build_detectors(settings: Settings) -> list[Detector]:
    return registry.create(settings.detectors, settings)


def build_engine(
    settings: Settings, detectors: Sequence[Detector] | None = None, hooks: EngineHooks | None = None
) -> Engine:
    options = EngineOptions(
        mode=settings.mode,
        redact=settings.redact,
        redact_style=settings.redact_style,
        redact_salt=settings.redact_salt.get_secret_value(),
    )
    return Engine(detectors if detectors is not None else build_detectors(settings), options, hooks)


def rule_catalog(detectors: Sequence[Detector]) -> dict[str, RuleInfo]:
    return {rule.id: rule for detector in detectors for rule in detector.rules()}


@dataclass(frozen=True, slots=True)
class ScanRequest:
    inputs: Sequence[str]
    output: Path | None
    format: OutputFormat


def source_opener(settings: Settings) -> partial[Source]:
    mapper = FieldMapper(settings.text_field, settings.id_field)
    return partial(
        _open, input_format=settings.input_format, mapper=mapper, batch_size=max(settings.batch_size, 1024)
    )


def _open(name: str, *, input_format: str, mapper: FieldMapper, batch_size: int) -> Source:
    return open_source(name, input_format=input_format, mapper=mapper, batch_size=batch_size)


def execute(
    settings: Settings,
    request: ScanRequest,
    observers: Sequence[Observer] = (),
    hooks: EngineHooks | None = None,
) -> RunSummary:
    """Run the scan and write the output. Results finished before an error or an
    interrupt are always written (committed before this returns, so telemetry that
    reports the run afterwards can never cost the results); the caller turns the
    summary into an exit code. ``hooks`` instrument the engine (tracing, timings)."""
    detectors = build_detectors(settings)
    engine = build_engine(settings, detectors, hooks)
    output = Output(request.output)
    committed = False
    try:
        run = RunInfo(tool_version=__version__, rules=rule_catalog(detectors), inputs=list(request.inputs))
        sink = make_sink(request.format, output, run)
        options = RunOptions(
            fail_on=fail_on_verdict(settings.fail_on),
            on_error=settings.on_error,
            batch_size=settings.batch_size,
        )
        summary = run_scan(request.inputs, source_opener(settings), engine, sink, options, observers)
        sink.close()
        output.commit()
        committed = True
        return summary
    finally:
        if not committed:
            output.discard()


def exit_code(summary: RunSummary) -> ExitCode:
    """The exit code a finished run earns; errors that stopped it are raised by the caller."""
    if summary.interrupted:
        return ExitCode.INTERRUPTED
    if summary.gated:
        return ExitCode.FINDINGS
    return ExitCode.OK
