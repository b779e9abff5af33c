"""Local detection in worker processes (``--workers``), results kept in input order.

The engine's work splits in two (``Engine.detect`` and ``Engine.finish``). The
detectors, which are pure and take nearly all the time, run in worker
processes on whole batches (one round trip per batch); everything that depends
on earlier prompts or touches the outside world stays in this process and runs
in input order: finding stages (fingerprint occurrence counts, inline
suppressions, baselines), scoring, the LLM judge, the sink, observers, metrics
and logs. So the output is the same with one worker or many.

A run starts in this process and hands over to the pool only once it is worth
it: when ``--workers`` is given, after the first batch or ``WARM_CHARS`` of text,
whichever comes first; otherwise once ``AUTO_AFTER`` prompts or
``AUTO_AFTER_CHARS`` of text have been scanned, so a one-prompt pipeline never
starts a process. The hand-over can fall inside a batch: what this process
scans before it is work the workers cannot share, and a batch of 10 KB
documents is seconds of it. Before the workers are forked, this process compiles
every rule pattern and loads what the detectors load on first use
(``Detector.prepare``), and the text it scanned has warmed RE2's automata:
forked workers inherit both, where each would otherwise build them again
(starting the workers before the first batch, each compiling for itself, cost
4% more instructions in all on 10,000 short prompts with two workers, counted by
callgrind). At most ``IN_FLIGHT`` batches per worker are outstanding, so memory
stays bounded whatever the input size.

What runs in the workers, and the form their detections come back in, is in
``sentinel_cli.worker``.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sentinel_cli.engine import NO_HOOKS, Engine, EngineOptions
from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.model import Prompt, ScanResult
from sentinel_cli.runner import BatchScanner
from sentinel_cli.worker import DetectorBuilder, Packed, PromptFailed, detect_chunk, start_worker, unpack

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from sentinel_cli.config import Settings
    from sentinel_cli.detectors.base import Detector

AUTO_AFTER = 2000
"""Without ``--workers``, the pool starts with the first batch after this many prompts..."""
AUTO_AFTER_CHARS = 512 * 1024
"""... or, inside a batch, once this much text has been scanned (about a second of work),
whichever comes first: 2,000 long documents would be half a minute of work the workers
cannot share."""
WARM_CHARS = 64 * 1024
"""With ``--workers``, this process scans the first batch, or this much of its text if that is
less, before the workers are forked: enough to warm the automata they inherit, little
enough that a batch of long documents does not run here alone."""
IN_FLIGHT = 2
"""Batches outstanding per worker: one being scanned, one waiting, so no worker idles."""

CHUNK_CHARS = 128 * 1024
"""A batch goes to the workers in chunks of about this much text, so that a batch of long
documents keeps every worker busy (and a run of a few batches ends on all of them together),
while a batch of short prompts goes in one piece."""

Post = Callable[[Sequence[Prompt], list[ScanResult]], list[ScanResult]]
"""A stage run on each batch's results in this process, in order (the LLM judge)."""
Part = tuple[int, int, "Future[list[Packed]]"]
"""A chunk of a batch in the workers: where its prompts start and end in the batch, and its
future."""


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask, where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


class WorkerError(RuntimeFailure):
    """A worker process failed; results before the failing batch were written."""


def chunks(prompts: Sequence[Prompt], size: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive runs of prompts with at most ``size`` characters of text
    between them (a longer prompt is a run of its own)."""
    runs = []
    start = total = 0
    for index, prompt in enumerate(prompts):
        length = len(prompt.text)
        if total and total + length > size:
            runs.append((start, index))
            start, total = index, 0
        total += length
    if start < len(prompts):
        runs.append((start, len(prompts)))
    return runs


def _send(pool: ProcessPoolExecutor, prompts: Sequence[Prompt]) -> Future[list[Packed]]:
    """The future of ``prompts``' detections; one already failed when the pool is broken (a
    worker died since the last batch was taken), so ``take`` deals with it in its turn."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(detect_chunk, [(prompt.text, prompt.messages) for prompt in prompts])
    except BrokenProcessPool as exc:
        failed: Future[list[Packed]] = Future()
        failed.set_exception(exc)
        return failed


class _InFlight:
    """A batch in the workers: its chunks, each with its prompts' place in the batch."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    def succeeded(self) -> bool:
        return all(_succeeded(future) for _, _, future in self.parts)


def _succeeded(future: Future[list[Packed]]) -> bool:
    return future.done() and future.exception() is None


class Pipeline(BatchScanner):
    """Scans batches in this process until the pool is worth starting, then in ``workers``
    worker processes; results come back in input order either way."""

    def __init__(
        self,
        engine: Engine,
        workers: int,
        *,
        start_after: int = AUTO_AFTER,
        start_after_chars: int = AUTO_AFTER_CHARS,
        post: Post | None = None,
        settings: Settings | None = None,
        start_method: str | None = None,
    ) -> None:
        self.engine = engine
        self.workers = workers
        self.start_after = start_after
        self.start_after_chars = start_after_chars
        self.post = post
        self._settings = settings
        # Forked workers inherit the detectors as they are, rules compiled; elsewhere new
        # processes build them from the settings.
        self._start_method = start_method or ("fork" if sys.platform == "linux" else "spawn")
        self._scanned = 0
        self._scanned_chars = 0
        self._pool: ProcessPoolExecutor | None = None
        self._queue: deque[tuple[list[Prompt], list[ScanResult] | _InFlight]] = deque()

    @property
    def parallel(self) -> bool:
        """True once batches go to worker processes."""
        return self._pool is not None

    def submit(self, prompts: list[Prompt]) -> None:
        if self._pool is None:
            here, self._scanned_chars = self._here(prompts)
            if here:
                # Queued as a batch of its own: results come back in input order all the same.
                self._queue.append((prompts[:here], self.engine.scan_batch(prompts[:here])))
                self._scanned += here
            if here == len(prompts):
                return
            self._pool = self._start_pool()
            prompts = prompts[here:]
        pool = self._pool
        parts = [(start, end, _send(pool, prompts[start:end])) for start, end in chunks(prompts, CHUNK_CHARS)]
        self._queue.append((prompts, _InFlight(parts)))

    def _here(self, prompts: list[Prompt]) -> tuple[int, int]:
        """How many of ``prompts`` this process scans itself, and the run's text scanned here
        once it has: all of them with one worker (text not counted: no pool will start);
        none once ``start_after`` prompts were scanned before this batch; otherwise those
        before the run reaches ``start_after_chars`` of text (a prompt is never split)."""
        chars = self._scanned_chars
        if self.workers <= 1:
            return len(prompts), chars
        if self._scanned >= self.start_after:
            return 0, chars
        for index, prompt in enumerate(prompts):
            if chars >= self.start_after_chars:
                return index, chars
            chars += len(prompt.text)
        return len(prompts), chars

    def full(self) -> bool:
        limit = IN_FLIGHT * self.workers if self._pool is not None else 1
        return len(self._queue) >= limit

    def take(self) -> list[ScanResult] | None:
        if not self._queue:
            return None
        prompts, pending = self._queue[0]
        try:
            if isinstance(pending, list):
                results = pending
            else:
                detections = []
                for number in range(len(pending.parts)):
                    detections += self._wait(prompts, pending, number)
                results = self._finish(prompts, detections)
            if self.post is not None:
                results = self.post(prompts, results)
        except KeyboardInterrupt:
            raise  # the batch stays queued, so ``take_ready`` keeps nothing after it
        except BaseException:
            self._queue.clear()  # nothing after a failed batch may be written
            raise
        self._queue.popleft()
        return results

    def take_ready(self) -> list[list[ScanResult]]:
        if self.post is not None:
            return []  # finishing a batch would call the LLM judge again after an interrupt
        ready = []
        while self._queue:
            pending = self._queue[0][1]
            if not isinstance(pending, list) and not pending.succeeded():
                break
            results = self.take()
            if results is not None:
                ready.append(results)
        return ready

    def close(self) -> None:
        """Stop the workers; batches not taken are dropped (an interrupt or an error)."""
        pool, self._pool = self._pool, None
        self._queue.clear()
        if pool is not None:
            _stop(pool)

    def _start_pool(self) -> ProcessPoolExecutor:
        # Imported here: a short run never starts a pool and should not pay for the import.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        record = self.engine.hooks is not NO_HOOKS
        context = multiprocessing.get_context(self._start_method)
        source: Sequence[Detector] | Callable[[], Sequence[Detector]] = self.engine.detectors
        if self._start_method == "fork":
            _prepare_for_fork(self.engine.detectors)
        else:
            if self._settings is None:
                raise WorkerError("worker processes need the settings to build their detectors")
            source = DetectorBuilder(self._settings)
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=start_worker,
            # Detection needs only the size limit; the finding stages and the redaction
            # salt stay in this process.
            initargs=(source, EngineOptions(max_prompt_chars=self.engine.options.max_prompt_chars), record),
        )

    def _wait(self, prompts: list[Prompt], pending: _InFlight, number: int) -> list[Packed]:
        from concurrent.futures.process import BrokenProcessPool

        start, _, future = pending.parts[number]
        try:
            return self._result(prompts, start, future)
        except BrokenProcessPool:
            return self._scan_alone(prompts, pending, number)

    def _scan_alone(self, prompts: list[Prompt], pending: _InFlight, number: int) -> list[Packed]:
        """A worker died (killed, out of memory, a crash in native code), and the executor
        failed every chunk in flight with it, not just the one being scanned when it died.
        This chunk is scanned again, alone, in a new pool: if that worker dies too, the chunk
        is the cause and the run stops before it; otherwise the chunks queued after it go to
        the new pool and the run goes on, so no result before the cause is lost."""
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        old = self._pool
        self._pool = None
        if old is not None:
            _stop(old)  # also waits until the executor has failed all of its futures
        pool = self._pool = self._start_pool()
        start, end, _ = pending.parts[number]
        try:
            detections = self._result(prompts, start, _send(pool, prompts[start:end]))
        except BrokenProcessPool:
            raise WorkerError(
                f"a worker process stopped unexpectedly while scanning from {prompts[start].location}; "
                "results before that point were written"
            ) from None
        done: Future[list[Packed]] = Future()
        done.set_result(detections)
        pending.parts[number] = (start, end, done)
        for batch, in_flight in self._queue:
            if isinstance(in_flight, list):
                continue
            for index, (first, last, future) in enumerate(in_flight.parts):
                if not _succeeded(future):
                    in_flight.parts[index] = (first, last, _send(pool, batch[first:last]))
        return detections

    def _result(self, prompts: list[Prompt], start: int, future: Future[list[Packed]]) -> list[Packed]:
        try:
            return future.result()
        except PromptFailed as exc:
            where = prompts[start + exc.index].location
            detail = f"\n{exc.trace}" if os.environ.get("SENTINEL_DEBUG") else ""
            raise WorkerError(
                f"scanning the prompt at {where} failed in a worker process: {exc.detail} "
                f"(this is a bug; set SENTINEL_DEBUG=1 to see the traceback and report it){detail}"
            ) from None

    def _finish(self, prompts: list[Prompt], detections: list[Packed]) -> list[ScanResult]:
        engine = self.engine
        hooks = engine.hooks
        results = []
        with hooks.batch(prompts):
            for prompt, packed in zip(prompts, detections, strict=True):
                detection = unpack(packed)
                for name, seconds in detection.stages:
                    hooks.stage_timed(name, seconds)
                result = engine.finish(prompt, detection)
                hooks.scanned(prompt, result)
                results.append(result)
        return results


def _prepare_for_fork(detectors: Sequence[Detector]) -> None:
    """Compile and load now what every forked worker would otherwise build again on its own,
    then move the objects made so far out of the garbage collector's reach (``gc.freeze``):
    a worker's collections never walk them, so their pages stay shared with this process
    instead of being copied when a collection touches them."""
    import gc

    for detector in detectors:
        detector.prepare()
    gc.freeze()


def _stop(pool: ProcessPoolExecutor) -> None:
    # Kill the workers first and reap them, then shut the executor down. Asked to stop
    # while workers are alive, the executor sends each one a stop sentinel through its
    # queue-feeder thread, which can race with the queue being closed and print a
    # traceback (EBADF) on the way out; with no worker alive it sends none. Workers
    # hold nothing that must be saved: every result kept was taken already.
    processes = list((getattr(pool, "_processes", None) or {}).values())  # private, stable since 3.3
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=True, cancel_futures=True)
