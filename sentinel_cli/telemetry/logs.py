"""Structured logs for runs: JSON (python-json-logger) or text, to stderr or a rotated file.

Every line carries the fields declared in ``schema.LOG_FIELDS``: timestamp,
level, logger, message and run id always, trace and span ids when tracing is
on. Prompts appear as a hash and a length; their text only with --log-prompts.
Logging is off unless asked for; the "sentinel" logger then has only a
``NullHandler`` so nothing leaks to Python's last-resort stderr handler.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sentinel_cli.errors import InputError, UsageError
from sentinel_cli.model import Prompt, ScanResult, Verdict
from sentinel_cli.private_files import PrivateRotatingFileHandler
from sentinel_cli.redact import redact_prompt
from sentinel_cli.runner import RunSummary
from sentinel_cli.sources.base import Source
from sentinel_cli.telemetry.schema import LOG_FIELDS

ROOT = "sentinel"
logging.getLogger(ROOT).addHandler(logging.NullHandler())

_CORE = ("timestamp", "level", "logger", "message", "run_id", "trace_id", "span_id")
_EXTRAS = tuple(spec.name for spec in LOG_FIELDS if spec.name not in _CORE)

SpanIds = Callable[[], tuple[str, str] | None]


def timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``."""
    return datetime.fromtimestamp(created, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RunContext(logging.Filter):
    """Stamps each record with the run id and, when tracing is on, the current span's ids."""

    def __init__(self, run_id: str, span_ids: SpanIds | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.span_ids = span_ids

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = self.run_id
        ids = self.span_ids() if self.span_ids is not None else None
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True


class TextFormatter(logging.Formatter):
    """``time level logger message key=value ...`` for people reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        head = (
            f"{timestamp(record.created)} {record.levelname.lower():<7} {record.name} {record.getMessage()}"
        )
        pairs = [f"run_id={getattr(record, 'run_id', '-')}"]
        for name in ("trace_id", *_EXTRAS):
            value = getattr(record, name, None)
            if value is not None and name != "prompt":
                pairs.append(f"{name}={value}")
        prompt = getattr(record, "prompt", None)
        if prompt is not None:
            pairs.append(f"prompt={prompt!r}")
        line = f"{head} {' '.join(pairs)}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    class _Formatter(JsonFormatter):
        def add_fields(
            self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
        ) -> None:
            log_data["timestamp"] = timestamp(record.created)
            log_data["level"] = record.levelname.lower()
            log_data["logger"] = record.name
            log_data["message"] = record.getMessage()
            log_data["run_id"] = getattr(record, "run_id", None)
            for name in ("trace_id", "span_id", *_EXTRAS):
                value = getattr(record, name, None)
                if value is not None:
                    log_data[name] = value
            if record.exc_info:
                log_data["error"] = self.formatException(record.exc_info)

    return _Formatter(json_ensure_ascii=False)


class LogSetup:
    """Logging configured for one run; ``close`` puts the ``sentinel`` logger back as it was."""

    def __init__(
        self,
        *,
        run_id: str,
        format: str = "text",
        level: str = "info",
        file: Path | None = None,
        max_bytes: int = 10 * 1024 * 1024,
        backups: int = 5,
        span_ids: SpanIds | None = None,
    ) -> None:
        self.logger = logging.getLogger(ROOT)
        handler: logging.Handler
        if file is not None:
            try:
                handler = PrivateRotatingFileHandler(
                    file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
                )
            except OSError as exc:
                raise UsageError(f"--log-file {file}: cannot open ({exc.strerror})") from None
        else:
            handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_json_formatter() if format == "json" else TextFormatter())
        handler.addFilter(RunContext(run_id, span_ids))
        self.handler = handler
        self._previous = (self.logger.level, self.logger.propagate)
        self.logger.setLevel(level.upper())
        self.logger.propagate = False
        self.logger.addHandler(handler)

    def close(self) -> None:
        self.logger.removeHandler(self.handler)
        self.handler.close()
        self.logger.setLevel(self._previous[0])
        self.logger.propagate = self._previous[1]


def prompt_fields(prompt: Prompt, result: ScanResult, *, with_text: bool) -> dict[str, Any]:
    """What a log line says about one prompt: hash and length, the text only when asked."""
    fields: dict[str, Any] = {
        "event": "prompt.scanned",
        "record_id": result.id,
        "source": result.source,
        "verdict": result.verdict.value,
        "score": round(result.score, 4),
        "categories": list(result.categories),
        "rule_ids": sorted({f.rule_id for f in result.findings if not f.suppressed}),
        "prompt_sha256": result.text_sha256,
        "prompt_length": result.length,
    }
    if with_text:
        # The text, but never the personal data or credentials the detectors found in it.
        fields["prompt"] = redact_prompt(prompt, result.findings)
    return fields


def log_prompt(logger: logging.Logger, prompt: Prompt, result: ScanResult, *, with_text: bool) -> None:
    """Info for verdicts worth a look, debug for the rest (checked first: this is per prompt)."""
    level = logging.DEBUG if result.verdict is Verdict.ALLOW else logging.INFO
    if logger.isEnabledFor(level):
        logger.log(level, "prompt scanned", extra=prompt_fields(prompt, result, with_text=with_text))


class LogObserver:
    """Runner observer that logs inputs, batches (debug) and skipped bad records."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def on_input(self, source: Source) -> None:
        self.logger.info("input opened", extra={"event": "input.open", "input": source.name})

    def on_batch(self, source: Source, results: Sequence[ScanResult]) -> None:
        if self.logger.isEnabledFor(logging.DEBUG):
            fields = {"event": "batch.done", "input": source.name, "batch_size": len(results)}
            self.logger.debug("batch scanned", extra=fields)

    def on_bad_record(self, error: InputError) -> None:
        fields = {"event": "record.bad", "input": error.path, "error": str(error), "error_type": "bad_record"}
        self.logger.warning("bad record skipped", extra=fields)

    def on_finish(self, summary: RunSummary) -> None:
        return None
