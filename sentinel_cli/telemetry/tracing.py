"""OpenTelemetry traces of a run: the run, each batch, each engine stage and each LLM call.

Only imported when ``--trace`` is on, so a plain scan never loads OpenTelemetry.
The tracer provider is private to the run (the global one is left alone).
Spans: ``sentinel.run`` > ``sentinel.batch`` > ``sentinel.normalize`` and
``sentinel.detect.<detector id>``; LLM calls are ``chat <model>`` client spans
with the OpenTelemetry ``gen_ai.*`` attributes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import SpanKind, Status, StatusCode

from sentinel_cli import __version__
from sentinel_cli.errors import UsageError
from sentinel_cli.model import Prompt

SHUTDOWN_TIMEOUT_MS = 15_000


def make_exporter(kind: str) -> SpanExporter:
    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # Standard output carries the results, so spans go to stderr.
        return ConsoleSpanExporter(out=sys.stderr)
    if kind == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            raise UsageError(
                "--trace otlp needs the OTLP exporter: pip install 'sentinel-cli[otlp]'"
            ) from None
        return OTLPSpanExporter()
    raise UsageError(f"--trace {kind}: unknown exporter (use console or otlp)")


class WatchedExporter(SpanExporter):
    """Passes spans on and reports every export that failed (collector down, slow, 5xx,
    garbage): a collector's trouble is counted and logged, and never fails the run."""

    def __init__(self, inner: SpanExporter, failed: Callable[[str], None]) -> None:
        self.inner = inner
        self._failed = failed

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export(spans)
        except Exception as exc:  # noqa: BLE001 - the exporter runs in a worker thread
            self._failed(f"{type(exc).__name__}: {exc}")
            return SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            self._failed(f"{len(spans)} span(s) were not accepted")
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.inner.force_flush(timeout_millis)


class Tracing:
    """A tracer provider for one run and the spans sentinel makes."""

    def __init__(self, kind: str, exporter: SpanExporter | None = None) -> None:
        attributes: dict[str, Any] = {"service.version": __version__}
        if not os.environ.get("OTEL_SERVICE_NAME"):
            attributes["service.name"] = "sentinel"
        self.provider = TracerProvider(resource=Resource.create(attributes))
        watched = WatchedExporter(exporter or make_exporter(kind), self._export_failed)
        self.export_failures = 0
        self.on_export_failure: Callable[[str], None] | None = None
        """Told about each failed export (the telemetry counts and logs it)."""
        # Console output is for watching a run as it happens; OTLP goes out in batches.
        processor = SimpleSpanProcessor(watched) if kind == "console" else BatchSpanProcessor(watched)
        self.provider.add_span_processor(processor)
        self.tracer = self.provider.get_tracer("sentinel", __version__)
        self._run: AbstractContextManager[trace.Span] | None = None
        self.run_span: trace.Span | None = None

    def start_run(self, attributes: Mapping[str, Any]) -> None:
        self._run = self.tracer.start_as_current_span("sentinel.run", attributes=dict(attributes))
        self.run_span = self._run.__enter__()

    def end_run(self, attributes: Mapping[str, Any], error: str | None = None) -> None:
        if self._run is None or self.run_span is None:
            return
        self.run_span.set_attributes(dict(attributes))
        if error is not None:
            self.run_span.set_status(Status(StatusCode.ERROR, error))
        self._run.__exit__(None, None, None)
        self._run = None

    def batch(self, prompts: Sequence[Prompt]) -> AbstractContextManager[trace.Span]:
        return self.tracer.start_as_current_span(
            "sentinel.batch", attributes={"sentinel.batch.size": len(prompts)}
        )

    def stage(self, name: str) -> AbstractContextManager[trace.Span]:
        span_name = "sentinel.normalize" if name == "normalize" else f"sentinel.detect.{name}"
        return self.tracer.start_as_current_span(span_name, attributes={"sentinel.stage": name})

    def llm_call(
        self,
        *,
        provider: str,
        model: str,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cost_usd: float = 0.0,
        latency_s: float | None = None,
        cached: bool = False,
        error_type: str | None = None,
        operation: str = "chat",
    ) -> None:
        """A client span for one LLM call that already happened (timed by the caller)."""
        end = time.time_ns()
        start = end - int((latency_s or 0.0) * 1e9)
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": operation,
            "gen_ai.provider.name": provider,
            "gen_ai.system": provider,
            "gen_ai.request.model": model,
            "gen_ai.usage.input_tokens": input_tokens,
            "gen_ai.usage.output_tokens": output_tokens,
            "sentinel.llm.cached": cached,
            "sentinel.llm.cost_usd": cost_usd,
        }
        span = self.tracer.start_span(f"{operation} {model}", kind=SpanKind.CLIENT, start_time=start)
        span.set_attributes(attributes)
        if error_type:
            span.set_attribute("error.type", error_type)
            span.set_status(Status(StatusCode.ERROR, error_type))
        span.end(end_time=end)

    @staticmethod
    def span_ids() -> tuple[str, str] | None:
        """The current trace and span ids in hex, as logs and the audit log show them."""
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return None
        return format(context.trace_id, "032x"), format(context.span_id, "016x")

    def trace_id(self) -> str | None:
        ids = self.span_ids()
        return ids[0] if ids else None

    def _export_failed(self, reason: str) -> None:
        self.export_failures += 1
        if self.on_export_failure is not None:
            self.on_export_failure(reason)

    def flush(self) -> bool:
        """Export the spans so far (bounded wait), so failures are counted before metrics go out."""
        return self.provider.force_flush(SHUTDOWN_TIMEOUT_MS)

    def shutdown(self) -> None:
        """Export what is left (bounded wait) and stop."""
        self.provider.force_flush(SHUTDOWN_TIMEOUT_MS)
        self.provider.shutdown()
