"""The batch runner: inputs -> engine -> sink, with no printing.

It owns the loop every scan shares (stdin pipelines, CI gates, cron batches):
reading records in batches, handing them to the engine, writing results as
they come, counting verdicts for the gate, and stopping cleanly on bad input
or an interrupt so that everything finished is kept. Observers (progress bar,
metrics, audit log) are told about each batch; they never change the results.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sentinel_cli.errors import InputError, SentinelError
from sentinel_cli.frozen import frozen
from sentinel_cli.interrupts import shielded
from sentinel_cli.model import Prompt, ScanResult, Severity, Verdict
from sentinel_cli.sinks.base import Sink
from sentinel_cli.sources.base import BadRecord, Source

OnError = Literal["fail", "skip"]
KEPT_BAD_RECORDS = 100
"""Bad records kept in the summary for reporting; the count covers all of them."""


class ScanEngine(Protocol):
    def scan_batch(self, prompts: Sequence[Prompt]) -> list[ScanResult]: ...


class BatchScanner(ABC):
    """Scans batches in input order, possibly several at once (``sentinel_cli.parallel``):
    the runner submits batches and takes each one's results back in the order submitted."""

    @abstractmethod
    def submit(self, prompts: list[Prompt]) -> None: ...

    @abstractmethod
    def full(self) -> bool:
        """True when results must be taken before another batch is submitted."""

    @abstractmethod
    def take(self) -> list[ScanResult] | None:
        """The oldest submitted batch's results, waiting for them; ``None`` when none is pending."""

    @abstractmethod
    def take_ready(self) -> list[list[ScanResult]]:
        """Results already finished, oldest first, without waiting (what an interrupt keeps)."""


class Sequential(BatchScanner):
    """Scans each batch as it is submitted, in this process."""

    def __init__(self, engine: ScanEngine) -> None:
        self.engine = engine
        self._done: deque[list[ScanResult]] = deque()

    def submit(self, prompts: list[Prompt]) -> None:
        self._done.append(self.engine.scan_batch(prompts))

    def full(self) -> bool:
        return bool(self._done)

    def take(self) -> list[ScanResult] | None:
        return self._done.popleft() if self._done else None

    def take_ready(self) -> list[list[ScanResult]]:
        ready = list(self._done)
        self._done.clear()
        return ready


@frozen
class RunOptions:
    fail_on: Verdict | None = Verdict.BLOCK
    """Records at or above this verdict gate the run (``None``: never)."""
    on_error: OnError = "fail"
    batch_size: int = 256
    fail_on_severity: Severity | None = None
    """Unsuppressed findings at or above this severity gate the run too (``None``: never)."""


@dataclass(slots=True)
class RunSummary:
    """What happened in a run: the CLI prints it and derives the exit code from it."""

    scanned: int = 0
    verdicts: Counter[Verdict] = field(default_factory=Counter)
    gated: int = 0
    bad_records: list[InputError] = field(default_factory=list)
    bad_count: int = 0
    skipped_inputs: list[InputError] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    elapsed_s: float = 0.0
    interrupted: bool = False
    last_source: str | None = None
    """Where the last result written came from (``file:line``): how far the run got."""
    error: SentinelError | None = None
    """The error that stopped the run early (results before it were written)."""
    gated_findings: int = 0
    """Unsuppressed findings at or above ``RunOptions.fail_on_severity``."""
    suppressed: int = 0
    """Findings suppressed inline (``sentinel: ignore[...]``); they never gate."""
    baselined: int = 0
    """Findings left out because the baseline records them (set by the scan service)."""
    notes: list[str] = field(default_factory=list)
    """Things people should know that did not stop the run (binary files skipped...)."""

    @property
    def gate_failed(self) -> bool:
        return bool(self.gated or self.gated_findings)

    @property
    def nothing_read(self) -> bool:
        """Every input was skipped (``--on-error skip``): there was nothing to gate on."""
        return bool(self.skipped_inputs) and not self.inputs

    @property
    def max_verdict(self) -> Verdict | None:
        return max(self.verdicts) if self.verdicts else None


class Observer(Protocol):
    """Told about the run as it goes; must not fail the run or change results."""

    def on_input(self, source: Source) -> None: ...

    def on_batch(self, source: Source, results: Sequence[ScanResult]) -> None: ...

    def on_bad_record(self, error: InputError) -> None: ...

    def on_finish(self, summary: RunSummary) -> None: ...


def batches(source: Source, size: int) -> Iterator[list[Prompt | BadRecord]]:
    """Groups of up to ``size`` items; a group ends early when a live pipe has nothing more
    to give yet, so interactive pipelines get each answer as soon as its line arrives."""
    batch: list[Prompt | BadRecord] = []
    try:
        for item in source:
            batch.append(item)
            if len(batch) >= size or source.would_block():
                yield batch
                batch = []
    except InputError:
        # The input broke off (truncated gzip, I/O error): scan what was read before it.
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def run_scan(
    inputs: Iterable[str],
    open_source: Callable[[str], Source],
    engine: ScanEngine | BatchScanner,
    sink: Sink,
    options: RunOptions,
    observers: Sequence[Observer] = (),
) -> RunSummary:
    """Scan every input in order. Returns the summary; never raises for bad input or Ctrl-C."""
    scanner = engine if isinstance(engine, BatchScanner) else Sequential(engine)
    summary = RunSummary()
    started = time.perf_counter()
    try:
        for name in inputs:
            try:
                source = open_source(name)
            except InputError as exc:
                if options.on_error == "fail":
                    raise
                summary.skipped_inputs.append(exc)
                continue
            summary.inputs.append(source.name)
            with source:
                for observer in observers:
                    observer.on_input(source)
                try:
                    _scan_source(source, scanner, sink, options, observers, summary)
                except InputError as exc:
                    if options.on_error == "fail":
                        raise
                    summary.skipped_inputs.append(exc)
    except SentinelError as exc:
        summary.error = exc
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.elapsed_s = time.perf_counter() - started
    for observer in observers:
        observer.on_finish(summary)
    return summary


def _scan_source(
    source: Source,
    scanner: BatchScanner,
    sink: Sink,
    options: RunOptions,
    observers: Sequence[Observer],
    summary: RunSummary,
) -> None:
    def emit(results: list[ScanResult] | None) -> None:
        if results:
            _emit(results, source, sink, observers, summary, options)

    def drain() -> None:
        while (results := scanner.take()) is not None:
            emit(results)

    try:
        for batch in batches(source, options.batch_size):
            prompts: list[Prompt] = []
            for item in batch:
                if isinstance(item, BadRecord):
                    if options.on_error == "fail":
                        # Results of the records before the bad one are still written.
                        if prompts:
                            scanner.submit(prompts)
                        drain()
                        raise item.error
                    summary.bad_count += 1
                    if len(summary.bad_records) < KEPT_BAD_RECORDS:
                        summary.bad_records.append(item.error)
                    for observer in observers:
                        observer.on_bad_record(item.error)
                else:
                    prompts.append(item)
            if prompts:
                scanner.submit(prompts)
            while scanner.full():
                emit(scanner.take())
            if source.would_block():
                drain()
                sink.flush()
        drain()
    except KeyboardInterrupt:
        for results in scanner.take_ready():  # finished before the interrupt: keep them
            emit(results)
        raise
    except SentinelError:
        drain()  # batches already in flight come before the error in the input
        raise


def _emit(
    results: list[ScanResult],
    source: Source,
    sink: Sink,
    observers: Sequence[Observer],
    summary: RunSummary,
    options: RunOptions,
) -> None:
    # An interrupt waits until the batch is written and counted: no torn records, and
    # "interrupted after N prompts" is exactly what the output holds.
    with shielded():
        sink.write_batch(results)
        gate, severity_gate = options.fail_on, options.fail_on_severity
        for result in results:
            summary.verdicts[result.verdict] += 1
            if gate is not None and result.verdict >= gate:
                summary.gated += 1
            for finding in result.findings:
                if finding.suppressed:
                    summary.suppressed += 1
                elif severity_gate is not None and finding.severity >= severity_gate:
                    summary.gated_findings += 1
        summary.scanned += len(results)
        summary.last_source = results[-1].source if results else summary.last_source
        for observer in observers:
            observer.on_batch(source, results)
