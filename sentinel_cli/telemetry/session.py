"""One run's telemetry from start to finish: what to build from the settings, and the order
of the end-of-run steps.

``run_observed`` wraps a scan: telemetry starts (bad telemetry settings fail
here, before anything is scanned), the scan runs with the metrics and audit
observers and the engine hooks, and only after it returns, with the results
written and committed, are the metrics pushed and the metrics file written.
A push that fails is a warning, or with ``push_required`` a failure the caller
turns into exit 3; either way the results are already safe.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sentinel_cli import __version__
from sentinel_cli.config import Settings
from sentinel_cli.engine import EngineHooks
from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.runner import Observer, RunSummary
from sentinel_cli.telemetry import logging_wanted, metrics_wanted
from sentinel_cli.telemetry.audit import AuditObserver
from sentinel_cli.telemetry.events import CacheStats, LlmCall, reset_listener, set_listener
from sentinel_cli.telemetry.hooks import TelemetryHooks
from sentinel_cli.telemetry.logs import LogObserver, LogSetup

if TYPE_CHECKING:
    from sentinel_cli.telemetry.exposition import MetricsServer
    from sentinel_cli.telemetry.metrics import RunMetrics
    from sentinel_cli.telemetry.push import PushConfig
    from sentinel_cli.telemetry.tracing import Tracing

log = logging.getLogger("sentinel.run")
Notify = Callable[[str, str], None]
"""``notify(kind, message)``: one line for people (kind ``warning`` or ``info``)."""


def _quiet(kind: str, message: str) -> None:
    return None


class Telemetry:
    """Metrics, logs, audit log and traces of one run, built from the settings."""

    def __init__(self, settings: Settings, *, command: str = "scan", notify: Notify = _quiet) -> None:
        self.settings = settings
        self.command = command
        self.notify = notify
        self.run_id = uuid.uuid4().hex
        self.metrics: RunMetrics | None = None
        self.tracing: Tracing | None = None
        self.logs: LogSetup | None = None
        self.audit: AuditObserver | None = None
        self.server: MetricsServer | None = None
        self.push_config: PushConfig | None = None
        self.observers: list[Observer] = []
        self.hooks: EngineHooks | None = None
        self._previous_success: float | None = None
        self._started = time.time()
        self._closed = False

    # -- start -----------------------------------------------------------------------
    def start(self) -> None:
        """Build everything the settings ask for; usage errors surface here, before the scan."""
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        s = self.settings
        if s.pushgateway_url:
            from sentinel_cli.telemetry.push import check_config, config_from_settings

            self.push_config = config_from_settings(s)
            if self.push_config is not None:
                check_config(self.push_config)
        if s.trace != "off":
            from sentinel_cli.telemetry.tracing import Tracing

            self.tracing = Tracing(s.trace)
        if logging_wanted(s):
            self.logs = LogSetup(
                run_id=self.run_id,
                format=s.log_format or "text",
                level=s.log_level or "info",
                file=s.log_file,
                max_bytes=s.log_max_bytes,
                backups=s.log_backups,
                span_ids=self.tracing.span_ids if self.tracing is not None else None,
            )
            self.observers.append(LogObserver(logging.getLogger("sentinel.scan")))
        if metrics_wanted(s):
            from sentinel_cli.telemetry.metrics import MetricsObserver, RunMetrics

            self.metrics = RunMetrics(endpoint=self.command, mode=s.mode.value)
            self.observers.append(MetricsObserver(self.metrics))
            if s.metrics_file is not None:
                from sentinel_cli.telemetry.exposition import check_metrics_file, previous_last_success

                check_metrics_file(s.metrics_file)
                self._previous_success = previous_last_success(s.metrics_file)
            if s.metrics_port is not None:
                from sentinel_cli.telemetry.exposition import MetricsServer

                self.server = MetricsServer(self.metrics.registry, s.metrics_address, s.metrics_port)
                log.info("serving metrics", extra={"event": "metrics.serve", "url": self.server.url})
                self.notify("info", f"serving metrics on {self.server.url}")
        if s.audit_log is not None:
            trace_id = self.tracing.trace_id if self.tracing is not None else (lambda: None)
            self.audit = AuditObserver(s.audit_log, run_id=self.run_id, mode=s.mode.value, trace_id=trace_id)
            self.observers.append(self.audit)
        if self.tracing is not None:
            self.tracing.on_export_failure = self._trace_export_failed
        if self.tracing is not None or self.metrics is not None or self.logs is not None:
            self.hooks = TelemetryHooks(
                tracing=self.tracing,
                metrics=self.metrics,
                logger=logging.getLogger("sentinel.scan") if self.logs is not None else None,
                log_prompts=s.log_prompts,
            )
        if self.tracing is not None:
            self.tracing.start_run(
                {
                    "sentinel.run_id": self.run_id,
                    "sentinel.command": self.command,
                    "sentinel.mode": s.mode.value,
                }
            )
        log.info(
            "run started",
            extra={"event": "run.start", "command": self.command, "version": __version__, "trace": s.trace},
        )

    def _trace_export_failed(self, reason: str) -> None:
        # Called from the span processor's worker thread; counters and logging are thread-safe.
        if self.metrics is not None:
            self.metrics.observe_error("trace")
        log.warning("trace export failed: %s", reason, extra={"event": "trace.failed", "error_type": "trace"})

    # -- the LLM layer's listener (see telemetry.events) ------------------------------
    def on_llm_call(self, call: LlmCall) -> None:
        fields = asdict(call)
        if self.metrics is not None:
            self.metrics.observe_llm_call(**fields)
        if self.tracing is not None:
            self.tracing.llm_call(**fields)
        if call.error_type:
            log.warning(
                "LLM call failed",
                extra={
                    "event": "llm.failed",
                    "error": f"{call.provider} {call.model}: {call.error_type}",
                    "error_type": call.error_type,
                },
            )

    def on_cache_stats(self, stats: CacheStats) -> None:
        if self.metrics is not None:
            self.metrics.set_cache_stats(**asdict(stats))

    def on_budget(self, period: str, percent: float) -> None:
        if self.metrics is not None:
            self.metrics.set_budget_usage(period, percent)

    # -- finish ----------------------------------------------------------------------
    def finish(self, summary: RunSummary | None, error: BaseException | None = None) -> RuntimeFailure | None:
        """Record the outcome, then push and write the metrics file. Returns the failure a
        required push or the metrics file caused (the caller exits 3), else ``None``."""
        failure = None
        stopped = error or (summary.error if summary is not None else None)
        success = stopped is None and summary is not None and not summary.interrupted
        now = time.time()
        fields: dict[str, Any] = {"event": "run.finish", "outcome": "success" if success else "failure"}
        if summary is not None:
            fields.update(
                scanned=summary.scanned,
                verdicts={v.value: n for v, n in sorted(summary.verdicts.items())},
                bad_records=summary.bad_count,
                elapsed_s=round(summary.elapsed_s, 6),
            )
        if stopped is not None:
            fields.update(error=str(stopped), error_type=type(stopped).__name__)
        (log.info if success else log.warning)("run finished", extra=fields)
        if self.tracing is not None:
            attributes = {
                "sentinel.prompts": summary.scanned if summary else 0,
                "sentinel.outcome": fields["outcome"],
            }
            self.tracing.end_run(attributes, error=None if success else str(stopped or "interrupted"))
            # Export now (bounded), so a collector that failed is counted in the metrics below.
            self.tracing.flush()
        if self.metrics is not None:
            if summary is None:
                from sentinel_cli.telemetry.catalog import error_type

                self.metrics.observe_error(error_type(error) if error else "internal")
                self.metrics.finish_run(0, now - self._started)
            self.metrics.mark_outcome(success, now)
            failure = self._push(self.metrics, success)
            if self.settings.metrics_file is not None:
                file_failure = self._write_file(self.metrics, success)
                failure = failure or file_failure
        return failure

    def _push(self, metrics: RunMetrics, success: bool) -> RuntimeFailure | None:
        if self.push_config is None:
            return None
        from sentinel_cli.telemetry.push import push

        # A success replaces the group; a failure adds to it, keeping the last success time.
        result = push(metrics.registry, self.push_config, replace=success)
        url = self.push_config.display_url
        if result.attempts > 1:
            metrics.observe_error("push", result.attempts - 1 if result.ok else result.attempts)
        if result.ok:
            log.info("metrics pushed", extra={"event": "push.ok", "url": url, "attempts": result.attempts})
            return None
        message = f"push to Pushgateway {url} failed after {result.attempts} attempt(s): {result.error}"
        log.warning(message, extra={"event": "push.failed", "url": url, "attempts": result.attempts})
        if self.settings.push_required:
            return RuntimeFailure(message + " (results were written; --push-required)")
        self.notify("warning", message + "; results were written")
        return None

    def _write_file(self, metrics: RunMetrics, success: bool) -> RuntimeFailure | None:
        from sentinel_cli.telemetry.exposition import write_metrics_file

        path = self.settings.metrics_file
        assert path is not None
        if not success and self._previous_success is not None and metrics.last_success() is None:
            metrics.mark_outcome(True, self._previous_success)
        try:
            write_metrics_file(metrics.registry, path)
        except RuntimeFailure as exc:
            log.error(str(exc), extra={"event": "metrics.file_failed", "path": str(path)})
            return exc
        log.info("metrics file written", extra={"event": "metrics.file", "path": str(path)})
        return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for step in (
            self.audit.close if self.audit else None,
            self.tracing.shutdown if self.tracing else None,
            self.server.close if self.server else None,
            self.logs.close if self.logs else None,
        ):
            if step is not None:
                step()


Run = Callable[[Sequence[Observer], EngineHooks | None], RunSummary]


def run_observed(
    settings: Settings, run: Run, *, command: str = "scan", notify: Notify = _quiet
) -> tuple[RunSummary, RuntimeFailure | None]:
    """Run ``run(observers, hooks)`` under the telemetry the settings ask for."""
    telemetry = Telemetry(settings, command=command, notify=notify)
    telemetry.start()
    token = set_listener(telemetry)
    try:
        try:
            summary = run(telemetry.observers, telemetry.hooks)
        except BaseException as exc:
            try:
                telemetry.finish(None, exc)
            except Exception:  # the original error is the one to report
                log.exception("telemetry failed while the run was failing")
            raise
        return summary, telemetry.finish(summary)
    finally:
        reset_listener(token)
        telemetry.close()
