"""The run's Prometheus metrics: declared in ``catalog.METRICS``, kept in a per-run registry.

Every run gets its own ``CollectorRegistry`` (never prometheus_client's global
one), so what is pushed, written or served is exactly this run. All families
are declared up front, so ``build_registry()`` lists every name without a scan
(generated alert rules and dashboards are checked against it).

Label values are bounded: they come from enums, detector ids, configured
providers and models, never from prompt text, record ids or file names, and
``LabelGuard`` folds anything past a fixed number of distinct values into
``other`` so a surprise can never explode the series count.
"""

from __future__ import annotations

import re
import resource
import sys
import threading
from collections import Counter as Counter_
from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics

from sentinel_cli import __version__
from sentinel_cli.errors import InputError
from sentinel_cli.model import ScanResult, Verdict
from sentinel_cli.runner import RunSummary
from sentinel_cli.sources.base import Source
from sentinel_cli.telemetry.catalog import (
    ERROR_TYPES,
    METRICS,
    OPTIONAL,
    SPECS,
    THREAT_CATEGORIES,
    MetricSpec,
    P,
    error_type,
)
from sentinel_cli.telemetry.collectors import FastHistogram, HistogramSeries, OptionalGauges

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/+-]")


class LabelGuard:
    """Keeps label values few and tidy: at most ``cap`` distinct values per label, then ``other``."""

    def __init__(self, cap: int = 50, length: int = 64) -> None:
        self.cap = cap
        self.length = length
        self._seen: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str, value: object) -> str:
        text = _UNSAFE.sub("_", str(value).strip())[: self.length] or "unknown"
        with self._lock:
            seen = self._seen.setdefault(label, set())
            if text in seen:
                return text
            if len(seen) >= self.cap:
                return "other"
            seen.add(text)
            return text


def _rss_bytes() -> float:
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
        return float(pages * resource.getpagesize())
    except (OSError, ValueError, IndexError):
        return _peak_rss_bytes()


def _peak_rss_bytes() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak if sys.platform == "darwin" else peak * 1024)


def _family_name(spec: MetricSpec) -> str:
    # prometheus_client adds ``_total`` to counters itself.
    return spec.name.removesuffix("_total") if spec.kind == "counter" else spec.name


def build_registry() -> CollectorRegistry:
    """A fresh registry with every scan family in ``METRICS`` declared (no scan needed)."""
    return RunMetrics().registry


def _declare(registry: CollectorRegistry) -> dict[str, Any]:
    """Register every family in ``METRICS``; the metric objects by name."""
    # ``_created`` samples double the series for nothing a batch job needs.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    metrics: dict[str, Any] = {}
    for spec in METRICS:
        if spec.name in OPTIONAL or spec.emitter != "scan":
            continue
        name, labels = _family_name(spec), spec.labels
        if spec.kind == "counter":
            metrics[spec.name] = Counter(name, spec.help, labels, registry=registry)
        elif spec.kind == "gauge":
            metrics[spec.name] = Gauge(name, spec.help, labels, registry=registry)
        else:
            metrics[spec.name] = FastHistogram(name, spec.help, labels, spec.buckets)
            registry.register(metrics[spec.name])
    optional = OptionalGauges({name: SPECS[name].help for name in OPTIONAL})
    registry.register(optional)
    metrics["optional"] = optional
    metrics[P + "memory_usage_bytes"].set_function(_rss_bytes)
    metrics[P + "memory_peak_bytes"].set_function(_peak_rss_bytes)
    metrics[P + "build_info"].labels(version=__version__).set(1)
    return metrics


class RunMetrics:
    """The metrics of one run, with the calls that update them (thread-safe)."""

    def __init__(self, endpoint: str = "scan", mode: str = "moderate") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._m = _declare(self.registry)
        self.guard = LabelGuard()
        self.endpoint = endpoint
        self.mode = mode
        self._cache_seen: dict[tuple[str, str], float] = {}
        self._by_detector: dict[str, HistogramSeries] = {}
        self._by_stage: dict[str, HistogramSeries] = {}
        self._lock = threading.Lock()
        # Children looked up once: ``labels()`` per prompt would dominate the cost.
        self._duration = self._m[P + "request_duration_seconds"].labels(endpoint=endpoint)
        self._ok = self._m[P + "requests_total"].labels(endpoint=endpoint, status="ok")
        self._detections = {
            verdict: self._m[P + "detections_total"].labels(verdict=verdict.value, mode=mode)
            for verdict in Verdict
        }
        # Known label values start at zero, so rate() and alerts see a series before the first event.
        self._m[P + "requests_total"].labels(endpoint=endpoint, status="error")
        for kind in ERROR_TYPES:
            self._m[P + "errors_total"].labels(type=self.guard("error", kind))
        for category in THREAT_CATEGORIES:
            self._m[P + "threats_blocked_total"].labels(category=category)

    def metric(self, name: str) -> Any:
        return self._m[name]

    # -- scan results ----------------------------------------------------------------
    def observe_batch(self, results: Sequence[ScanResult]) -> None:
        """Count a batch: counters move once per distinct label set, histograms per value."""
        if not results:
            return
        self._ok.inc(len(results))
        verdicts: Counter_[Verdict] = Counter_()
        blocked: Counter_[str] = Counter_()
        pii: Counter_[str] = Counter_()
        duration = self._duration.observe
        for result in results:
            verdicts[result.verdict] += 1
            duration(result.elapsed_ms / 1000.0)
            for finding in result.findings:
                if not finding.suppressed:
                    self._confidence(finding.detector).observe(finding.confidence)
            if result.verdict is Verdict.BLOCK:
                blocked.update(c for c in result.categories if c in THREAT_CATEGORIES)
            pii.update(span.type for span in result.pii)
        for verdict, count in verdicts.items():
            self._detections[verdict].inc(count)
        threats = self._m[P + "threats_blocked_total"]
        for category, count in blocked.items():
            threats.labels(category=category).inc(count)
        types = self._m[P + "pii_detected_total"]
        for kind, count in pii.items():
            types.labels(type=self.guard("pii_type", kind)).inc(count)

    def observe_result(self, result: ScanResult) -> None:
        self.observe_batch((result,))

    def _confidence(self, detector: str) -> HistogramSeries:
        return self._series(self._by_detector, "detection_confidence", "detector", detector)

    def _series(
        self, cache: dict[str, HistogramSeries], name: str, label: str, value: str
    ) -> HistogramSeries:
        """A histogram child by raw label value; values past the guard's cap are not cached."""
        series = cache.get(value)
        if series is None:
            guarded = self.guard(label, value)
            series = self._m[P + name].labels(guarded)
            if guarded != "other":
                cache[value] = series
        return series

    def observe_bad_record(self) -> None:
        self._m[P + "requests_total"].labels(endpoint=self.endpoint, status="error").inc()
        self.observe_error("bad_record")

    def observe_error(self, type: str, amount: float = 1.0) -> None:
        self._m[P + "errors_total"].labels(type=self.guard("error", type)).inc(amount)

    def observe_stage(self, stage: str, seconds: float) -> None:
        self._series(self._by_stage, "stage_duration_seconds", "stage", stage).observe(seconds)

    # -- LLM judge, cache and budget (called by the LLM layer) -----------------------
    def observe_llm_call(
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
    ) -> None:
        """One judge call. Cached answers cost nothing and reach no provider, so they are not
        counted here; the cache reports its own hits through ``set_cache_stats``."""
        if cached:
            return
        provider = self.guard("provider", provider)
        model = self.guard("model", model)
        self._m[P + "llm_requests_total"].labels(provider=provider, model=model).inc()
        tokens = self._m[P + "llm_tokens_total"]
        if input_tokens:
            tokens.labels(provider=provider, model=model, direction="input").inc(input_tokens)
        if output_tokens:
            tokens.labels(provider=provider, model=model, direction="output").inc(output_tokens)
        if cost_usd:
            self._m[P + "llm_cost_usd_total"].labels(provider=provider, model=model).inc(cost_usd)
        if latency_s is not None:
            self._m[P + "llm_latency_seconds"].labels(provider=provider).observe(latency_s)
        if error_type:
            self._m[P + "llm_errors_total"].labels(
                provider=provider, type=self.guard("llm_error", error_type)
            ).inc()

    def set_cache_stats(
        self,
        *,
        cache: str = "llm",
        hits: int | None = None,
        misses: int | None = None,
        evictions: int | None = None,
        size_bytes: float | None = None,
        entries: int | None = None,
    ) -> None:
        """This run's cache totals so far (counts since the run started, not since the cache was made).
        Counters move by the difference from the last call, so it may be called any number of times."""
        cache = self.guard("cache", cache)
        for name, total in (
            ("cache_hits_total", hits),
            ("cache_misses_total", misses),
            ("cache_evictions_total", evictions),
        ):
            if total is None:
                continue
            with self._lock:
                delta = total - self._cache_seen.get((name, cache), 0.0)
                self._cache_seen[(name, cache)] = max(total, self._cache_seen.get((name, cache), 0.0))
            if delta > 0:
                self._m[P + name].labels(cache=cache).inc(delta)
        if size_bytes is not None:
            self._m[P + "cache_size_bytes"].labels(cache=cache).set(size_bytes)
        if entries is not None:
            self._m[P + "cache_entries"].labels(cache=cache).set(entries)

    def set_budget_usage(self, period: str, percent: float) -> None:
        self._m[P + "budget_usage_percent"].labels(period=self.guard("period", period)).set(percent)

    # -- the batch-job conventions ---------------------------------------------------
    def finish_run(self, prompts: int, duration_s: float) -> None:
        self._m[P + "batch_prompts"].set(prompts)
        self._m[P + "batch_duration_seconds"].set(duration_s)

    def mark_outcome(self, success: bool, when: float) -> None:
        self._m["optional"].set(
            P + ("last_success" if success else "last_failure") + "_timestamp_seconds", when
        )

    def last_success(self) -> float | None:
        value: float | None = self._m["optional"].get(P + "last_success_timestamp_seconds")
        return value

    def exposition(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class MetricsObserver:
    """Runner observer that feeds ``RunMetrics`` (it never changes results)."""

    def __init__(self, metrics: RunMetrics) -> None:
        self.metrics = metrics

    def on_input(self, source: Source) -> None:
        return None

    def on_batch(self, source: Source, results: Sequence[ScanResult]) -> None:
        self.metrics.observe_batch(results)

    def on_bad_record(self, error: InputError) -> None:
        self.metrics.observe_bad_record()

    def on_finish(self, summary: RunSummary) -> None:
        if summary.skipped_inputs:
            self.metrics.observe_error("input", len(summary.skipped_inputs))
        if summary.error is not None:
            self.metrics.observe_error(error_type(summary.error))
        self.metrics.finish_run(summary.scanned, summary.elapsed_s)
