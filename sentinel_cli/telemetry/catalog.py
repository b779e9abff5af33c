"""Every metric sentinel exposes, declared once: names, types, labels, help and buckets.

No prometheus_client here, so tools that generate alert rules and dashboards
(or check them) can list the names cheaply; ``metrics.RunMetrics`` builds the
registry from this table.
"""

from __future__ import annotations

from typing import Literal

from sentinel_cli.errors import ConfigError, InputError, RuntimeFailure, UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.model import Category

Kind = Literal["counter", "gauge", "histogram"]
Emitter = Literal["scan", "report"]

REQUEST_BUCKETS: tuple[float, ...] = (
    *(0.0001, 0.00025, 0.0005, 0.001, 0.0025),
    *(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
"""Seconds per prompt: the PromptSentinel monitoring guide's buckets (5 ms to 10 s), extended
down to 0.1 ms because the local detectors answer in well under 5 ms."""
LLM_BUCKETS: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONFIDENCE_BUCKETS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


@frozen
class MetricSpec:
    """One metric family as it appears in the exposition (counters with their ``_total``)."""

    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()
    emitter: Emitter = "scan"
    """Which command's registry holds it: a scan run's, or ``sentinel report patterns``'."""

    @property
    def series(self) -> tuple[str, ...]:
        """Every sample name the family exposes."""
        if self.kind == "histogram":
            return (f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count")
        return (self.name,)


P = "promptsentinel_"
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(P + "build_info", "gauge", "Always 1; the version of sentinel that ran.", ("version",)),
    MetricSpec(
        P + "requests_total", "counter", "Prompts handled, by command and status.", ("endpoint", "status")
    ),
    MetricSpec(
        P + "request_duration_seconds",
        "histogram",
        "Time to scan one prompt.",
        ("endpoint",),
        REQUEST_BUCKETS,
    ),
    MetricSpec(
        P + "errors_total", "counter", "Errors by type (bad records, input, output, push...).", ("type",)
    ),
    MetricSpec(
        P + "detections_total", "counter", "Verdicts given, by verdict and mode.", ("verdict", "mode")
    ),
    MetricSpec(
        P + "detection_confidence",
        "histogram",
        "Confidence of each finding.",
        ("detector",),
        CONFIDENCE_BUCKETS,
    ),
    MetricSpec(P + "threats_blocked_total", "counter", "Blocked prompts, by threat category.", ("category",)),
    MetricSpec(P + "pii_detected_total", "counter", "PII and secret spans found, by entity type.", ("type",)),
    MetricSpec(
        P + "stage_duration_seconds",
        "histogram",
        "Time in each engine stage per text.",
        ("stage",),
        REQUEST_BUCKETS,
    ),
    MetricSpec(P + "cache_hits_total", "counter", "Cache lookups that found an entry.", ("cache",)),
    MetricSpec(P + "cache_misses_total", "counter", "Cache lookups that found nothing.", ("cache",)),
    MetricSpec(P + "cache_evictions_total", "counter", "Entries evicted from the cache.", ("cache",)),
    MetricSpec(P + "cache_size_bytes", "gauge", "Size of the cache on disk.", ("cache",)),
    MetricSpec(P + "cache_entries", "gauge", "Entries in the cache.", ("cache",)),
    MetricSpec(P + "llm_requests_total", "counter", "Calls to an LLM provider.", ("provider", "model")),
    MetricSpec(
        P + "llm_tokens_total", "counter", "LLM tokens, input and output.", ("provider", "model", "direction")
    ),
    MetricSpec(P + "llm_errors_total", "counter", "Failed LLM calls, by error type.", ("provider", "type")),
    MetricSpec(P + "llm_latency_seconds", "histogram", "LLM call latency.", ("provider",), LLM_BUCKETS),
    MetricSpec(
        P + "llm_cost_usd_total", "counter", "Estimated LLM spend in US dollars.", ("provider", "model")
    ),
    MetricSpec(P + "budget_usage_percent", "gauge", "Share of the LLM budget used, by period.", ("period",)),
    MetricSpec(P + "memory_usage_bytes", "gauge", "Resident memory of the process now."),
    MetricSpec(P + "memory_peak_bytes", "gauge", "Peak resident memory of the process."),
    MetricSpec(P + "batch_prompts", "gauge", "Prompts scanned by the last run."),
    MetricSpec(P + "batch_duration_seconds", "gauge", "Wall-clock duration of the last run."),
    MetricSpec(
        P + "last_success_timestamp_seconds",
        "gauge",
        "Unix time the last successful run finished (set on success).",
    ),
    MetricSpec(
        P + "last_failure_timestamp_seconds",
        "gauge",
        "Unix time the last failed run finished (set on failure).",
    ),
    MetricSpec(
        P + "repeated_attacks",
        "gauge",
        "Threat prompts whose normalised text was seen at least --min-count times, by category.",
        ("category",),
        emitter="report",
    ),
)
SPECS = {spec.name: spec for spec in METRICS}
OPTIONAL = (P + "last_success_timestamp_seconds", P + "last_failure_timestamp_seconds")
"""Exposed only once set: a zero would read as "succeeded in 1970" and overwrite the real value."""


def metric_names(emitter: Emitter | None = None) -> list[str]:
    """Every metric family name, as written in PromQL (counters end in ``_total``)."""
    return [spec.name for spec in METRICS if emitter in (None, spec.emitter)]


def series_names(emitter: Emitter | None = None) -> set[str]:
    """Every sample name a query can use, including histogram ``_bucket``/``_sum``/``_count``."""
    return {series for spec in METRICS if emitter in (None, spec.emitter) for series in spec.series}


ERROR_TYPES = ("bad_record", "input", "usage", "config", "runtime", "io", "internal", "push", "trace")
"""Values of ``promptsentinel_errors_total{type}``."""
THREAT_CATEGORIES = tuple(sorted(category.value for category in Category if category.is_threat))
"""Values of ``promptsentinel_threats_blocked_total{category}``."""


def error_type(exc: BaseException) -> str:
    """A bounded name for an error that stopped a run."""
    if isinstance(exc, InputError):
        return "input"
    if isinstance(exc, ConfigError):
        return "config"
    if isinstance(exc, UsageError):
        return "usage"
    if isinstance(exc, RuntimeFailure):
        return "runtime"
    if isinstance(exc, OSError):
        return "io"
    return "internal"
