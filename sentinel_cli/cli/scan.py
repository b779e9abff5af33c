"""``sentinel scan``: scan prompts from files or stdin and gate on the verdicts."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded, report
from sentinel_cli.cli.options import (
    ConfigOption,
    FailOnChoice,
    InputFormatChoice,
    OnErrorChoice,
    RedactStyleChoice,
    csv_list,
)
from sentinel_cli.errors import UsageError
from sentinel_cli.model import Mode
from sentinel_cli.sinks.base import OutputFormat

EPILOG = """\
[bold]Examples[/bold]

  sentinel scan samples/prompts.jsonl
  cat prompts.jsonl | sentinel scan - --format jsonl > results.jsonl
  sentinel scan data.parquet --format parquet -o results.parquet --no-progress
  sentinel scan prompts.csv --text-field question --fail-on flag --mode strict

[bold]Exit codes[/bold]

  0  no verdict at or above --fail-on      1  at least one verdict at or above --fail-on
  2  usage or input error                  3  internal or runtime failure
  130  interrupted (finished results are kept)
"""


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop, keep what is finished, exit 130."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


def _summary_line(summary: object) -> str:
    from sentinel_cli.runner import RunSummary

    assert isinstance(summary, RunSummary)
    counts = ", ".join(f"{count} {verdict.value}" for verdict, count in sorted(summary.verdicts.items()))
    inputs = len(summary.inputs)
    line = f"scanned {summary.scanned} prompt(s) from {inputs} input(s) in {summary.elapsed_s:.2f}s" + (
        f": {counts}" if counts else ""
    )
    if summary.bad_count:
        line += f"; {summary.bad_count} bad record(s) skipped"
    if summary.skipped_inputs:
        line += f"; {len(summary.skipped_inputs)} input(s) skipped"
    return line


@guarded
def scan(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files to scan, or - for stdin (read when no file is given and stdin is not a terminal).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: table on a terminal, jsonl otherwise (or from -o's suffix).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write results to this file (atomically) instead of stdout."),
    ] = None,
    input_format: Annotated[
        InputFormatChoice | None,
        typer.Option("--input-format", help="Input format; auto infers it from the name or content."),
    ] = None,
    text_field: Annotated[
        str | None,
        typer.Option(help="Field/column with the prompt (default: prompt, text, input, content, messages)."),
    ] = None,
    id_field: Annotated[
        str | None, typer.Option(help="Field/column with the record id (default: id, else file:line).")
    ] = None,
    mode: Annotated[
        Mode | None, typer.Option(help="Score thresholds: strict blocks more. [default: moderate]")
    ] = None,
    fail_on: Annotated[
        FailOnChoice | None,
        typer.Option(help="Exit 1 when any verdict is at or above this; never disables it. [default: block]"),
    ] = None,
    detectors: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated detectors to run (see 'sentinel detectors'). [default: all local]"
        ),
    ] = None,
    redact: Annotated[
        bool | None, typer.Option("--redact", help="Add the 'redacted' text with PII and secrets masked.")
    ] = None,
    redact_style: Annotated[
        RedactStyleChoice | None, typer.Option(help="How to mask: mask ([EMAIL]), hash or remove.")
    ] = None,
    on_error: Annotated[
        OnErrorChoice | None,
        typer.Option(help="Bad records: fail (stop, exit 2) or skip (report and continue). [default: fail]"),
    ] = None,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Prompts per batch. [default: 256]")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Never show the progress bar.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on stderr.")] = False,
    config: ConfigOption = None,
) -> int:
    """Scan prompts for injection, jailbreaks, PII and secrets; print a verdict per prompt.

    Inputs: plain text (one prompt per line), JSON Lines, JSON, CSV and Parquet,
    inferred from the file name or content (gzip is decompressed). Results go to
    stdout or -o; messages and progress go to stderr.
    """
    from sentinel_cli.cli.progress import ProgressObserver
    from sentinel_cli.config import load_settings
    from sentinel_cli.scan_service import ScanRequest, choose_format, execute, exit_code

    inputs = list(paths or [])
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give files to scan, or pipe prompts to stdin (sentinel scan -)")
        inputs = ["-"]
    if inputs.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    settings = load_settings(
        config,
        mode=mode,
        fail_on=fail_on.value if fail_on else None,
        detectors=csv_list(detectors),
        redact=redact,
        redact_style=redact_style.value if redact_style else None,
        input_format=input_format.value if input_format else None,
        text_field=text_field,
        id_field=id_field,
        on_error=on_error.value if on_error else None,
        batch_size=batch_size,
    )
    fmt = choose_format(format, output, sys.stdout.isatty())
    if fmt is OutputFormat.PARQUET and output is None and sys.stdout.isatty():
        raise UsageError("--format parquet writes binary data: give -o FILE or redirect stdout")
    request = ScanRequest(inputs=inputs, output=output, format=fmt)
    progress = ProgressObserver(enabled=not no_progress)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        summary = execute(settings, request, [progress])
    finally:
        signal.signal(signal.SIGTERM, previous)
    if summary.error is not None:
        # The input error is the one line the user needs; finished results were written.
        raise summary.error
    for error in summary.bad_records:
        report(str(error), kind="skipped")
    if summary.bad_count > len(summary.bad_records):
        report(f"... and {summary.bad_count - len(summary.bad_records)} more bad record(s)", kind="skipped")
    for error in summary.skipped_inputs:
        report(str(error), kind="skipped")
    if summary.interrupted:
        where = f" to {output}" if output else ""
        report(
            f"interrupted after {summary.scanned} prompt(s); finished results were written{where}",
            kind="warning",
        )
    elif not quiet:
        sys.stderr.write(_summary_line(summary) + "\n")
        if summary.gated:
            sys.stderr.write(f"gate: {summary.gated} prompt(s) at or above '{settings.fail_on}' -> exit 1\n")
    return exit_code(summary)
