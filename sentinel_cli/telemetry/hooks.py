"""Engine hooks that feed telemetry: spans per batch and stage, stage timings, per-prompt logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import TYPE_CHECKING

from sentinel_cli.engine import EngineHooks
from sentinel_cli.model import Prompt, ScanResult
from sentinel_cli.telemetry.logs import log_prompt

if TYPE_CHECKING:
    from sentinel_cli.telemetry.metrics import RunMetrics
    from sentinel_cli.telemetry.tracing import Tracing

_NOTHING = nullcontext()


class _Stage:
    """Times a stage into the metrics, inside the stage's span when tracing is on."""

    __slots__ = ("_inner", "_metrics", "_name", "_started")

    def __init__(
        self, name: str, metrics: RunMetrics | None, inner: AbstractContextManager[object] | None
    ) -> None:
        self._name = name
        self._metrics = metrics
        self._inner = inner
        self._started = 0.0

    def __enter__(self) -> _Stage:
        if self._inner is not None:
            self._inner.__enter__()
        self._started = time.perf_counter()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._metrics is not None:
            self._metrics.observe_stage(self._name, time.perf_counter() - self._started)
        if self._inner is not None:
            self._inner.__exit__(exc_type, exc, tb)


class TelemetryHooks(EngineHooks):
    def __init__(
        self,
        *,
        tracing: Tracing | None = None,
        metrics: RunMetrics | None = None,
        logger: logging.Logger | None = None,
        log_prompts: bool = False,
    ) -> None:
        self.tracing = tracing
        self.metrics = metrics
        self.logger = logger
        self.log_prompts = log_prompts

    def batch(self, prompts: Sequence[Prompt]) -> AbstractContextManager[object]:
        return self.tracing.batch(prompts) if self.tracing is not None else _NOTHING

    def stage(self, name: str) -> AbstractContextManager[object]:
        inner = self.tracing.stage(name) if self.tracing is not None else None
        if self.metrics is None and inner is not None:
            return inner
        if self.metrics is None:
            return _NOTHING
        return _Stage(name, self.metrics, inner)

    def stage_timed(self, name: str, seconds: float) -> None:
        # Stages timed in a worker process feed the same metric; their spans are not traced.
        if self.metrics is not None:
            self.metrics.observe_stage(name, seconds)

    def scanned(self, prompt: Prompt, result: ScanResult) -> None:
        if self.logger is not None:
            log_prompt(self.logger, prompt, result, with_text=self.log_prompts)
