"""Assembling a scan from settings: detectors, engine, inputs, output. No printing.

The ``scan`` command (and anything else that scans, such as ``eval`` or
``baseline create``) builds a ``ScanRequest`` and calls ``execute``.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sentinel_cli import __version__, limits
from sentinel_cli.allowlist import AllowList
from sentinel_cli.ci.fingerprint import Fingerprinter
from sentinel_cli.ci.repo import RepoPaths
from sentinel_cli.ci.suppress import apply_suppressions
from sentinel_cli.config import Settings
from sentinel_cli.detectors import registry
from sentinel_cli.detectors.base import Detector
from sentinel_cli.engine import Engine, EngineHooks, EngineOptions, FindingStage
from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.exit_codes import ExitCode
from sentinel_cli.frozen import frozen
from sentinel_cli.interrupts import shielded
from sentinel_cli.model import RuleInfo, Severity, Verdict
from sentinel_cli.runner import Observer, RunOptions, RunSummary, run_scan
from sentinel_cli.sinks.base import OutputFormat, RunInfo, Sink, make_sink
from sentinel_cli.sinks.output import Output
from sentinel_cli.sources.base import Source
from sentinel_cli.sources.factory import open_source
from sentinel_cli.sources.records import FieldMapper
from sentinel_cli.sources.walk import Expansion, expand

if TYPE_CHECKING:
    from sentinel_cli.ci.baseline import BaselineFilter
    from sentinel_cli.ci.baseline import Entry as BaselineEntry
    from sentinel_cli.llm.events import LlmListener
    from sentinel_cli.llm.stage import JudgeStage
    from sentinel_cli.parallel import Pipeline

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


def _allow_list(settings: Settings) -> tuple[FindingStage, ...]:
    """The user's allow-list and disabled rules, as the first finding stage (when set)."""
    allow = AllowList(settings.allow_patterns, settings.disabled_rules)
    return (allow,) if allow else ()


def build_engine(
    settings: Settings,
    detectors: Sequence[Detector] | None = None,
    hooks: EngineHooks | None = None,
    stages: Sequence[FindingStage] = (),
) -> Engine:
    options = EngineOptions(
        mode=settings.mode,
        redact=settings.redact,
        redact_style=settings.redact_style,
        redact_salt=settings.redact_salt.get_secret_value(),
        stages=(*_allow_list(settings), *stages),
        max_prompt_chars=settings.max_prompt_chars,
    )
    return Engine(detectors if detectors is not None else build_detectors(settings), options, hooks)


def rule_catalog(detectors: Sequence[Detector]) -> dict[str, RuleInfo]:
    """Every rule a scan can report: the detectors' and the engine's own (``EN092``)."""
    catalog = {rule.id: rule for detector in detectors for rule in detector.rules()}
    catalog.update({rule.id: rule for rule in limits.RULES})
    return catalog


@frozen
class ScanRequest:
    inputs: Sequence[str]
    output: Path | None
    format: OutputFormat


def source_opener(
    settings: Settings,
    formats: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
    keep: Sequence[str] = (),
) -> Callable[[str], Source]:
    """Opens inputs with the settings' reader options; ``formats`` names the reader of
    files found by walking directories, readers append their notes to ``notes``, and
    ``keep`` names record fields to carry on ``Prompt.extra`` (labels for ``eval``)."""
    mapper = FieldMapper(settings.text_field, settings.id_field, keep)
    batch_size = max(settings.batch_size, 1024)
    chosen = formats or {}

    def open_(name: str) -> Source:
        fmt = chosen.get(name, settings.input_format)
        return open_source(name, input_format=fmt, mapper=mapper, batch_size=batch_size, notes=notes)

    return open_


# --- CI gating: directory walks, fingerprints, suppressions, baselines -----------------


@dataclass(slots=True)
class PreparedScan:
    """Everything a scan needs before a sink is attached."""

    settings: Settings
    engine: Engine
    rules: dict[str, RuleInfo]
    paths: RepoPaths
    expansion: Expansion
    baseline: BaselineFilter | None
    notes: list[str]
    judge: JudgeStage | None = None
    """The LLM judge around the engine when ``--llm`` is not off."""

    def run(self, sink: Sink, observers: Sequence[Observer] = ()) -> RunSummary:
        settings = self.settings
        options = RunOptions(
            fail_on=fail_on_verdict(settings.fail_on),
            on_error=settings.on_error,
            batch_size=settings.batch_size,
            fail_on_severity=Severity(settings.fail_on_severity) if settings.fail_on_severity else None,
        )
        opener = source_opener(settings, self.expansion.formats, self.notes)
        pipeline = build_pipeline(settings, self.engine, self.judge)
        try:
            summary = run_scan(self.expansion.inputs, opener, pipeline, sink, options, observers)
        finally:
            pipeline.close()
        summary.baselined = self.baseline.matched if self.baseline is not None else 0
        summary.notes = [*self.expansion.skipped, *self.notes]
        if self.judge is not None and self.judge.failure is not None and summary.error is None:
            summary.error = self.judge.failure  # a spent budget under --budget-exceeded fail
        return summary

    def close(self) -> None:
        """Release what the scan holds open (the judge's clients, cache and ledger)."""
        if self.judge is not None:
            self.judge.close()


def build_pipeline(settings: Settings, engine: Engine, judge: JudgeStage | None = None) -> Pipeline:
    """The batch scanner of a run: this process first, worker processes once they pay off."""
    from sentinel_cli.parallel import AUTO_AFTER, AUTO_AFTER_CHARS, WARM_CHARS, Pipeline, cpu_count

    asked = settings.workers is not None
    return Pipeline(
        engine,
        settings.workers if settings.workers is not None else cpu_count(),
        start_after=1 if asked else AUTO_AFTER,
        start_after_chars=WARM_CHARS if asked else AUTO_AFTER_CHARS,
        post=judge.judge_batch if judge is not None else None,
        settings=settings,
    )


def build_judge_stage(
    settings: Settings, engine: Engine, listeners: Sequence[LlmListener] = ()
) -> JudgeStage | None:
    """The LLM judge around the engine when ``--llm`` is not off (imported only then)."""
    if settings.llm == "off":
        return None
    from sentinel_cli.llm.stage import JudgeStage

    return JudgeStage(engine, settings, listeners)


def prepare(
    settings: Settings,
    inputs: Sequence[str],
    *,
    skip: Sequence[Path] = (),
    use_baseline: bool = True,
    hooks: EngineHooks | None = None,
    llm_listeners: Sequence[LlmListener] = (),
) -> PreparedScan:
    """Walk directories and build the engine with the CI stages. ``skip`` names files a walk
    must not scan (the output being written, the baseline file)."""
    detectors = build_detectors(settings)
    paths = RepoPaths()
    stages: list[FindingStage] = [Fingerprinter(paths), apply_suppressions]
    baseline_filter = None
    if use_baseline and settings.baseline is not None:
        from sentinel_cli.ci.baseline import BaselineFilter, load

        baseline_filter = BaselineFilter(load(settings.baseline).entries)
        stages.append(baseline_filter)
    expansion = expand(
        inputs,
        include=settings.include,
        exclude=settings.exclude,
        as_source=settings.as_source,
        input_format=settings.input_format,
        skip=skip,
    )
    engine = build_engine(settings, detectors, hooks, stages)
    judge = build_judge_stage(settings, engine, llm_listeners)
    rules = rule_catalog(detectors)
    if judge is not None:
        rules.update({rule.id: rule for rule in judge.rules()})
    return PreparedScan(
        settings=settings,
        engine=engine,
        rules=rules,
        paths=paths,
        expansion=expansion,
        baseline=baseline_filter,
        notes=[],
        judge=judge,
    )


def execute(
    settings: Settings,
    request: ScanRequest,
    observers: Sequence[Observer] = (),
    hooks: EngineHooks | None = None,
    llm_listeners: Sequence[LlmListener] = (),
) -> RunSummary:
    """Run the scan and write the output. Results finished before an error or an
    interrupt are always written (committed before this returns, so telemetry that
    reports the run afterwards can never cost the results); the caller turns the
    summary into an exit code. ``hooks`` instrument the engine (tracing, timings);
    ``llm_listeners`` receive the LLM judge's events (calls, budgets, totals)."""
    skip = [path for path in (request.output, settings.baseline) if path is not None]
    prepared = prepare(settings, request.inputs, skip=skip, hooks=hooks, llm_listeners=llm_listeners)
    output = Output(request.output)
    committed = False
    try:
        run = RunInfo(
            tool_version=__version__,
            rules=prepared.rules,
            inputs=list(prepared.expansion.inputs),
            root=prepared.paths.root,
            baseline=prepared.baseline is not None,
        )
        sink = make_sink(request.format, output, run)
        try:
            summary = prepared.run(sink, observers)
            with shielded():  # a second Ctrl-C must not cost the results already scanned
                sink.close()
                output.commit()
                committed = True
        except OSError as exc:
            raise _write_failure(exc, request.output) from None
        return summary
    finally:
        if not committed:
            output.discard()
        prepared.close()


_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def _write_failure(exc: OSError, path: Path | None) -> BaseException:
    """A full disk (or a failing one) under the output: one clear line, exit 3. A broken pipe
    and other errors keep their own meaning (``cli.errors``)."""
    if isinstance(exc, BrokenPipeError) or exc.errno not in _WRITE_ERRNOS:
        return exc
    reason = (exc.strerror or str(exc)).lower()
    if path is None:
        return RuntimeFailure(f"cannot write to standard output: {reason}; the results there are incomplete")
    return RuntimeFailure(
        f"cannot write {path}: {reason}; no results were written there (any earlier {path.name} is unchanged)"
    )


def collect_findings(
    settings: Settings,
    inputs: Sequence[str],
    *,
    skip: Sequence[Path] = (),
    observers: Sequence[Observer] = (),
) -> tuple[RunSummary, dict[str, BaselineEntry]]:
    """Scan without writing results, keeping each unsuppressed finding as a baseline entry
    (``sentinel baseline create|update``); an existing ``--baseline`` is not applied."""
    from sentinel_cli.ci.baseline import BaselineCollector

    prepared = prepare(settings, inputs, skip=skip, use_baseline=False)
    collector = BaselineCollector(prepared.paths, Output(None), RunInfo(tool_version=__version__))
    try:
        summary = prepared.run(collector, observers)
    finally:
        prepared.close()
    return summary, collector.entries


def exit_code(summary: RunSummary) -> ExitCode:
    """The exit code a finished run earns; errors that stopped it are raised by the caller."""
    if summary.interrupted:
        return ExitCode.INTERRUPTED
    if summary.nothing_read:
        return ExitCode.USAGE  # a gate that read nothing must not pass
    if summary.gate_failed:
        return ExitCode.FINDINGS
    return ExitCode.OK
