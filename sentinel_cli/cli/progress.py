"""The progress bar on stderr for long runs (Rich), shown only where a person watches."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from sentinel_cli.errors import InputError
from sentinel_cli.model import ScanResult
from sentinel_cli.runner import RunSummary
from sentinel_cli.sources.base import Source

SHOW_AFTER = 300
"""Prompts scanned before the bar appears: short runs stay quiet."""


class ProgressObserver:
    """Shows a bar once a run passes ``SHOW_AFTER`` prompts, on a terminal only."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._progress: Any = None
        self._task: Any = None
        self._scanned = 0
        self._source: Source | None = None

    def on_input(self, source: Source) -> None:
        self._source = source
        if self._progress is not None:
            self._progress.update(self._task, description=source.name)

    def on_batch(self, source: Source, results: Sequence[ScanResult]) -> None:
        self._scanned += len(results)
        if not self.enabled:
            return
        if self._progress is None:
            if self._scanned < SHOW_AFTER:
                return
            self._start(source)
        done, total = source.progress()
        self._progress.update(self._task, completed=done, total=total, prompts=self._scanned)

    def _start(self, source: Source) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[prompts]} prompts"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(source.name, total=None, prompts=self._scanned)

    def on_bad_record(self, error: InputError) -> None:
        return None

    def on_finish(self, summary: RunSummary) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
