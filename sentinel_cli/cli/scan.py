"""``sentinel scan``: scan prompts from files or stdin and gate on the verdicts."""

# No ``from __future__ import annotations`` here: Typer reads the options from the
# annotations, and as strings it would compile and evaluate all fifty of them,
# several times over, on every start.

import sys
from pathlib import Path
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded, report
from sentinel_cli.cli.options import (
    BudgetExceededChoice,
    ConfigOption,
    FailOnChoice,
    InputFormatChoice,
    LlmChoice,
    LogFormatChoice,
    LogLevelChoice,
    OnErrorChoice,
    RedactStyleChoice,
    SeverityChoice,
    TraceChoice,
    csv_list,
)
from sentinel_cli.errors import UsageError
from sentinel_cli.interrupts import handling_signals
from sentinel_cli.model import Mode
from sentinel_cli.sinks.base import OutputFormat

EPILOG = """\
[bold]Examples[/bold]

  sentinel scan samples/prompts.jsonl
  cat prompts.jsonl | sentinel scan - --format jsonl > results.jsonl
  sentinel scan data.parquet --format parquet -o results.parquet --no-progress
  sentinel scan prompts.csv --text-field question --fail-on flag --mode strict
  sentinel scan batch.jsonl -o out.jsonl --push http://pgw:9091 --group env=ci
  tail -f live.jsonl | sentinel scan - --metrics-port 9464 --log-format json
  sentinel scan . --format sarif -o sentinel.sarif --fail-on-severity high
  sentinel scan prompts/ --exclude 'tests/' --baseline .sentinel-baseline.json

[bold]Exit codes[/bold]

  0  no verdict at or above --fail-on      1  at least one verdict at or above --fail-on
  2  usage or input error                  3  internal or runtime failure (or --push-required failed)
  130  interrupted (finished results are kept)    141  stdout closed by its reader (| head)
"""


TELEMETRY = "Telemetry"


NOTES_SHOWN = 20
"""Notes (such as skipped binary files) printed one per line before they are only counted."""


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
    if summary.suppressed:
        line += f"; {summary.suppressed} finding(s) suppressed inline"
    if summary.baselined:
        line += f"; {summary.baselined} finding(s) in the baseline not reported"
    return line


def _gate_line(summary: object, fail_on: str, fail_on_severity: str | None) -> str:
    """Say what made the run fail, so a red CI job explains itself."""
    from sentinel_cli.runner import RunSummary

    assert isinstance(summary, RunSummary)
    reasons = []
    if summary.gated:
        reasons.append(f"{summary.gated} prompt(s) at or above verdict '{fail_on}' (--fail-on {fail_on})")
    if summary.gated_findings:
        reasons.append(
            f"{summary.gated_findings} finding(s) at or above severity '{fail_on_severity}' "
            f"(--fail-on-severity {fail_on_severity})"
        )
    return "gate: " + " and ".join(reasons) + " -> exit 1"


@guarded
def scan(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or directories to scan, or - for stdin (read when no file is given and stdin "
            "is not a terminal). Directories are walked, honouring .gitignore.",
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
    push: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Push the run's metrics to this Pushgateway when it ends (or SENTINEL_PUSHGATEWAY_URL).",
            rich_help_panel=TELEMETRY,
        ),
    ] = None,
    job: Annotated[
        str | None, typer.Option(help="Pushgateway job label. [default: sentinel]", rich_help_panel=TELEMETRY)
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE",
            help="Pushgateway grouping label; repeat for more (e.g. --group instance=nightly).",
            rich_help_panel=TELEMETRY,
        ),
    ] = None,
    push_user: Annotated[
        str | None,
        typer.Option(help="Basic-auth user (password: SENTINEL_PUSH_PASSWORD).", rich_help_panel=TELEMETRY),
    ] = None,
    push_ca_file: Annotated[
        Path | None, typer.Option(help="CA bundle for an https Pushgateway.", rich_help_panel=TELEMETRY)
    ] = None,
    push_cert: Annotated[
        Path | None, typer.Option(help="Client certificate (mutual TLS).", rich_help_panel=TELEMETRY)
    ] = None,
    push_key: Annotated[
        Path | None, typer.Option(help="Client key (mutual TLS).", rich_help_panel=TELEMETRY)
    ] = None,
    push_insecure: Annotated[
        bool | None,
        typer.Option("--push-insecure", help="Do not verify the TLS certificate.", rich_help_panel=TELEMETRY),
    ] = None,
    push_timeout: Annotated[
        float | None,
        typer.Option(min=0.1, help="Seconds per push attempt. [default: 10]", rich_help_panel=TELEMETRY),
    ] = None,
    push_retries: Annotated[
        int | None,
        typer.Option(min=0, help="Retries after a failed push. [default: 2]", rich_help_panel=TELEMETRY),
    ] = None,
    push_required: Annotated[
        bool | None,
        typer.Option(
            "--push-required", help="Exit 3 if the push fails (results are kept).", rich_help_panel=TELEMETRY
        ),
    ] = None,
    metrics_file: Annotated[
        Path | None,
        typer.Option(
            help="Write metrics here atomically (node_exporter textfile).", rich_help_panel=TELEMETRY
        ),
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=0, max=65535, help="Serve /metrics on this port during the run.", rich_help_panel=TELEMETRY
        ),
    ] = None,
    metrics_address: Annotated[
        str | None,
        typer.Option(help="Address for --metrics-port. [default: 0.0.0.0]", rich_help_panel=TELEMETRY),
    ] = None,
    log_format: Annotated[
        LogFormatChoice | None,
        typer.Option(help="Turn logging on, as text or json.", rich_help_panel=TELEMETRY),
    ] = None,
    log_level: Annotated[
        LogLevelChoice | None,
        typer.Option(help="Turn logging on at this level. [default: info]", rich_help_panel=TELEMETRY),
    ] = None,
    log_file: Annotated[
        Path | None, typer.Option(help="Log to this file (rotated), not stderr.", rich_help_panel=TELEMETRY)
    ] = None,
    log_prompts: Annotated[
        bool | None,
        typer.Option(
            "--log-prompts",
            help="Put prompt text, PII and secrets masked, in logs (default: hash and length).",
            rich_help_panel=TELEMETRY,
        ),
    ] = None,
    audit_log: Annotated[
        Path | None,
        typer.Option(
            help="Append a JSON line per flag/redact/strip/block verdict.", rich_help_panel=TELEMETRY
        ),
    ] = None,
    trace: Annotated[
        TraceChoice | None,
        typer.Option(
            help="OpenTelemetry traces: console (stderr) or otlp. [default: off]", rich_help_panel=TELEMETRY
        ),
    ] = None,
    # CI gating (sentinel_cli/ci, sources/walk.py): keep these options together.
    fail_on_severity: Annotated[
        SeverityChoice | None,
        typer.Option(
            help="Also exit 1 when an unsuppressed finding is at least this severe.",
            rich_help_panel="CI gating",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Report and gate only findings not recorded in this baseline (see 'sentinel baseline').",
            rich_help_panel="CI gating",
        ),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            help="Walking directories: scan only files matching this gitignore-style glob (repeatable).",
            rich_help_panel="CI gating",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="Walking directories: skip files and directories matching this glob (repeatable).",
            rich_help_panel="CI gating",
            show_default=False,
        ),
    ] = None,
    as_source: Annotated[
        bool | None,
        typer.Option(
            "--as-source",
            help="Read named files as a directory walk does: JSON string values, binaries skipped "
            "(pre-commit passes file names).",
            rich_help_panel="CI gating",
            show_default=False,
        ),
    ] = None,
    llm: Annotated[
        LlmChoice | None,
        typer.Option(
            help="Ask an LLM judge: off, uncertain (local score near a threshold) or always. [default: off]",
            rich_help_panel="LLM judge",
        ),
    ] = None,
    llm_providers: Annotated[
        str | None,
        typer.Option(
            help="Judge providers in failover order. [default: anthropic,openai]", rich_help_panel="LLM judge"
        ),
    ] = None,
    llm_concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Judge calls in flight at once. [default: 8]", rich_help_panel="LLM judge"),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Neither read nor write cached judge answers.", rich_help_panel="LLM judge"
        ),
    ] = False,
    budget_exceeded: Annotated[
        BudgetExceededChoice | None,
        typer.Option(
            help="A spent budget: skip the judge (local verdicts stand) or fail (exit 3). [default: skip]",
            rich_help_panel="LLM judge",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=256,
            help="Worker processes for local detection; output order and results are the same. "
            "[default: one per CPU once a run passes 2,000 prompts or 512K characters]",
            rich_help_panel="Performance",
        ),
    ] = None,
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
    from sentinel_cli.telemetry import wanted as telemetry_wanted

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
        pushgateway_url=push,
        push_job=job,
        push_groups=group or None,
        push_username=push_user,
        push_ca_file=push_ca_file,
        push_cert_file=push_cert,
        push_key_file=push_key,
        push_insecure=push_insecure,
        push_timeout=push_timeout,
        push_retries=push_retries,
        push_required=push_required,
        metrics_file=metrics_file,
        metrics_port=metrics_port,
        metrics_address=metrics_address,
        log_format=log_format.value if log_format else None,
        log_level=log_level.value if log_level else None,
        log_file=log_file,
        log_prompts=log_prompts,
        audit_log=audit_log,
        trace=trace.value if trace else None,
        fail_on_severity=fail_on_severity.value if fail_on_severity else None,
        baseline=baseline,
        include=include or None,
        exclude=exclude or None,
        as_source=as_source,
        llm=llm.value if llm else None,
        llm_providers=csv_list(llm_providers),
        llm_concurrency=llm_concurrency,
        llm_cache=False if no_cache else None,
        budget_exceeded=budget_exceeded.value if budget_exceeded else None,
        workers=workers,
    )
    fmt = choose_format(format, output, sys.stdout.isatty())
    if fmt is OutputFormat.PARQUET and output is None and sys.stdout.isatty():
        raise UsageError("--format parquet writes binary data: give -o FILE or redirect stdout")
    request = ScanRequest(inputs=inputs, output=output, format=fmt)
    progress = ProgressObserver(enabled=not no_progress)
    notes = None
    if settings.llm != "off":
        from sentinel_cli.cli.judge_notes import JudgeNotes

        notes = JudgeNotes(settings.budget_exceeded)
    llm_listeners = [notes] if notes is not None else []
    failure = None
    with handling_signals():
        if telemetry_wanted(settings):
            from sentinel_cli.telemetry.session import run_observed

            summary, failure = run_observed(
                settings,
                lambda observers, hooks: execute(
                    settings, request, [progress, *observers], hooks, llm_listeners
                ),
                notify=lambda kind, message: None if quiet and kind == "info" else report(message, kind=kind),
            )
        else:
            summary = execute(settings, request, [progress], llm_listeners=llm_listeners)
    if summary.error is not None:
        # The input error is the one line the user needs; finished results were written.
        raise summary.error
    for error in summary.bad_records:
        report(str(error), kind="skipped")
    if summary.bad_count > len(summary.bad_records):
        report(f"... and {summary.bad_count - len(summary.bad_records)} more bad record(s)", kind="skipped")
    for error in summary.skipped_inputs:
        report(str(error), kind="skipped")
    if summary.nothing_read:
        report(f"none of the {len(summary.skipped_inputs)} input(s) could be read")
    for note in summary.notes[:NOTES_SHOWN]:
        report(note, kind="note")
    if len(summary.notes) > NOTES_SHOWN:
        report(f"... and {len(summary.notes) - NOTES_SHOWN} more note(s)", kind="note")
    if summary.interrupted:
        where = f" to {output}" if output else ""
        last = f" (last: {summary.last_source})" if summary.last_source else ""
        report(
            f"interrupted after {summary.scanned} prompt(s){last}; finished results were written{where}",
            kind="warning",
        )
    elif not quiet:
        sys.stderr.write(_summary_line(summary) + "\n")
        judge_line = notes.summary_line() if notes is not None else None
        if judge_line:
            sys.stderr.write(judge_line + "\n")
        if summary.gate_failed:
            sys.stderr.write(_gate_line(summary, settings.fail_on, settings.fail_on_severity) + "\n")
    if failure is not None and not summary.interrupted:
        raise failure  # a required push (or the metrics file) failed after the results were written
    return exit_code(summary)
