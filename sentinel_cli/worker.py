"""What runs inside a worker process (``--workers``): its start, the detection of one chunk
of a batch, and the plain form detections take to cross back (``pack``).

Every prompt crosses between processes twice, and the main process shares the CPUs with the
workers, so what crosses is kept plain: the texts go out, and the detections come back as
tuples of field values, which pickle several times faster than the dataclasses they are
rebuilt into (``unpack``).
"""

from __future__ import annotations

import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sentinel_cli.engine import Detection, Engine, EngineHooks, EngineOptions
from sentinel_cli.model import Finding, Location, Message, Prompt

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sentinel_cli.config import Settings
    from sentinel_cli.detectors.base import Detector

Payload = list[tuple[str, tuple[Message, ...] | None]]
"""A chunk as it goes to a worker: each prompt's text and chat messages."""
Packed = tuple[tuple[tuple[Any, ...], ...], float, str, str, tuple[tuple[str, float], ...]]
"""A ``Detection`` as plain values (``pack``): findings as tuples of their fields, in order."""

_FINDING_FIELDS = attrgetter(*(item.name for item in fields(Finding)))


def pack(detection: Detection) -> Packed:
    """``detection`` as tuples, to cross to the parent process cheaply."""
    findings = tuple(map(_FINDING_FIELDS, detection.findings)) if detection.findings else ()
    return findings, detection.seconds, detection.text_sha256, detection.text_hash, detection.stages


def unpack(packed: Packed) -> Detection:
    """The ``Detection`` that ``pack`` was given."""
    rows, seconds, sha256, text_hash, stages = packed
    findings = tuple(Finding(*row) for row in rows) if rows else ()
    return Detection(findings, seconds, sha256, text_hash, stages)


class PromptFailed(Exception):
    """Raised in a worker: which prompt of the batch failed, and how."""

    def __init__(self, index: int, detail: str, trace: str) -> None:
        super().__init__(index, detail, trace)
        self.index = index
        self.detail = detail
        self.trace = trace


class _Recorder(EngineHooks):
    """Times each stage in a worker so the parent's hooks can record it (stage metrics)."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []

    def stage(self, name: str) -> AbstractContextManager[object]:
        return _Timed(name, self.timings)


class _Timed:
    __slots__ = ("_into", "_name", "_started")

    def __init__(self, name: str, into: list[tuple[str, float]]) -> None:
        self._name = name
        self._into = into
        self._started = 0.0

    def __enter__(self) -> _Timed:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self._into.append((self._name, time.perf_counter() - self._started))


class _Worker:
    engine: Engine | None = None
    """The worker process's engine (set by ``start_worker``)."""


_NOWHERE = Location("")


def start_worker(
    detectors: Sequence[Detector] | Callable[[], Sequence[Detector]], options: EngineOptions, record: bool
) -> None:
    # The parent decides when to stop: it catches Ctrl-C and SIGTERM, keeps what is
    # finished and shuts the pool down; a worker must not die half-way on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    built = detectors() if callable(detectors) else detectors
    _Worker.engine = Engine(built, options, hooks=_Recorder() if record else None)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the parent dies (SIGKILL leaves no time to clean up)."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def detect_chunk(payload: Payload) -> list[Packed]:
    """Detection only, one packed ``Detection`` per prompt of the chunk, in order."""
    engine = _Worker.engine
    assert engine is not None, "worker not started"
    recorder = engine.hooks if isinstance(engine.hooks, _Recorder) else None
    detections = []
    for index, (text, messages) in enumerate(payload):
        try:
            detection = engine.detect(Prompt(id="", text=text, location=_NOWHERE, messages=messages))
        except Exception as exc:  # noqa: BLE001 - reported in the parent with the prompt's location
            raise PromptFailed(index, f"{type(exc).__name__}: {exc}", traceback.format_exc()) from None
        if recorder is not None:
            detection = _with_stages(detection, recorder)
        detections.append(pack(detection))
    return detections


def _with_stages(detection: Detection, recorder: _Recorder) -> Detection:
    from dataclasses import replace

    timed = replace(detection, stages=tuple(recorder.timings))
    recorder.timings.clear()
    return timed


class DetectorBuilder:
    """Builds the detectors in a new (spawned) worker process from the run's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self) -> Sequence[Detector]:
        from sentinel_cli.detectors import registry

        return registry.create(self.settings.detectors, self.settings)
