"""What a generated monitoring stack is built from: thresholds, targets, receivers, stacks.

``Thresholds`` is declared once as a pydantic model so a TOML file
(``--thresholds FILE``) and flags are validated the same way; flags win over
the file, the file over the defaults.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sentinel_cli.errors import ConfigError, UsageError
from sentinel_cli.frozen import frozen

STACKS = ("metrics", "logging", "tracing")
SEVERITIES = ("critical", "warning", "info")
CHANNELS = ("slack", "pagerduty", "email", "webhook")

_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_UNITS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)


def duration_seconds(text: str) -> float:
    """A Prometheus duration (``26h``, ``1h30m``, ``90s``) in seconds; ``ValueError`` if invalid."""
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None or not any(match.groups()):
        raise ValueError(f"not a duration like 30s, 15m, 26h or 1d: {text!r}")
    return sum(int(part) * unit for part, unit in zip(match.groups(), _UNITS, strict=True) if part)


class Thresholds(BaseModel):
    """Alert thresholds. Ratios are 0..1; the TOML keys are the field names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stale_after: str = Field(
        "26h", description="Alert when the batch job has not succeeded for this long (a daily job: 26h)."
    )
    error_ratio: float = Field(
        0.05, gt=0, le=1, description="Bad records / records handled in the last run (warning)."
    )
    latency_p95_warning: float = Field(0.5, gt=0, description="p95 seconds per prompt (warning).")
    latency_p95_critical: float = Field(1.0, gt=0, description="p95 seconds per prompt (critical).")
    cache_hit_ratio: float = Field(0.5, ge=0, le=1, description="LLM cache hit ratio below this (info).")
    cache_min_lookups: int = Field(100, ge=0, description="Cache lookups needed before the ratio counts.")
    threat_ratio: float = Field(
        0.1, gt=0, le=1, description="Blocked prompts / prompts scanned in the last run (warning)."
    )
    min_prompts: int = Field(20, ge=1, description="Prompts a run needs before the threat ratio counts.")
    critical_categories: tuple[str, ...] = Field(
        ("data_exfiltration",), description="Threat categories whose every block is a critical alert."
    )
    llm_error_ratio: float = Field(
        0.1, gt=0, le=1, description="Failed / all calls to an LLM provider in the last run (warning)."
    )
    budget_warning: float = Field(80.0, gt=0, description="LLM budget used, percent (warning).")
    budget_critical: float = Field(100.0, gt=0, description="LLM budget used, percent (critical).")
    repeated_attacks: int = Field(
        1, ge=1, description="Prompts in repeated attack patterns (sentinel report patterns) (warning)."
    )
    pushgateway_down_for: str = Field("2m", description="How long the Pushgateway may be unreachable.")

    @field_validator("stale_after", "pushgateway_down_for")
    @classmethod
    def _duration(cls, value: str) -> str:
        duration_seconds(value)
        return value.strip()

    @field_validator("critical_categories")
    @classmethod
    def _categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from sentinel_cli.telemetry.catalog import THREAT_CATEGORIES

        unknown = [name for name in value if name not in THREAT_CATEGORIES]
        if unknown:
            raise ValueError(f"unknown threat categories {unknown} (known: {', '.join(THREAT_CATEGORIES)})")
        return value

    @property
    def stale_after_seconds(self) -> int:
        return int(duration_seconds(self.stale_after))

    @property
    def pushgateway_down_seconds(self) -> int:
        return int(duration_seconds(self.pushgateway_down_for))


def load_thresholds(path: Path | None, overrides: Mapping[str, Any]) -> Thresholds:
    """Defaults, then the TOML file (a ``[thresholds]`` table or top-level keys), then flags."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"--thresholds {path}: cannot read ({exc.strerror})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"--thresholds {path}: not valid TOML ({exc})") from None
        table = data.get("thresholds", data)
        if not isinstance(table, dict):
            raise ConfigError(f"--thresholds {path}: [thresholds] must be a table")
        values.update(table)
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        thresholds = Thresholds.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'thresholds'}: "
            + ("unknown threshold" if error["type"] == "extra_forbidden" else error["msg"])
            for error in exc.errors()
        )
        where = f" in {path}" if path is not None else ""
        raise ConfigError(f"invalid thresholds{where}: {problems}") from None
    if thresholds.latency_p95_critical < thresholds.latency_p95_warning:
        raise ConfigError("latency_p95_critical must not be below latency_p95_warning")
    if thresholds.budget_critical < thresholds.budget_warning:
        raise ConfigError("budget_critical must not be below budget_warning")
    return thresholds


@frozen
class Receivers:
    """Alertmanager channels. Secrets are never values here: only paths to files."""

    slack_channel: str | None = None
    slack_api_url_file: str = "/etc/alertmanager/secrets/slack_api_url"
    pagerduty: bool = False
    pagerduty_routing_key_file: str = "/etc/alertmanager/secrets/pagerduty_routing_key"
    email_to: str | None = None
    smtp_smarthost: str = "smtp.example.org:587"
    smtp_from: str = "sentinel-alerts@example.org"
    smtp_auth_username: str | None = None
    smtp_auth_password_file: str = "/etc/alertmanager/secrets/smtp_password"
    webhook_url: str | None = None
    webhook_token_file: str | None = None
    routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Severity -> channels; a severity not given gets the defaults (see ``channels_for``)."""

    @property
    def configured(self) -> tuple[str, ...]:
        on = {
            "slack": self.slack_channel is not None,
            "pagerduty": self.pagerduty,
            "email": self.email_to is not None,
            "webhook": self.webhook_url is not None,
        }
        return tuple(name for name in CHANNELS if on[name])

    def channels_for(self, severity: str) -> tuple[str, ...]:
        """Critical pages everyone configured; warning skips PagerDuty; info goes to chat and hooks."""
        if severity in self.routes:
            return self.routes[severity]
        default = {
            "critical": CHANNELS,
            "warning": ("slack", "email", "webhook"),
            "info": ("slack", "webhook"),
        }[severity]
        return tuple(name for name in default if name in self.configured)


def parse_routes(values: Sequence[str], configured: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``--route critical=pagerduty,slack`` -> ``{"critical": ("pagerduty", "slack")}``."""
    routes: dict[str, tuple[str, ...]] = {}
    for value in values:
        severity, sep, rest = value.partition("=")
        severity = severity.strip()
        if not sep or severity not in SEVERITIES:
            raise UsageError(
                f"--route {value}: expected SEVERITY=CHANNEL[,CHANNEL] with {'/'.join(SEVERITIES)}"
            )
        channels = tuple(part.strip() for part in rest.split(",") if part.strip() and part.strip() != "none")
        for channel in channels:
            if channel not in CHANNELS:
                raise UsageError(f"--route {value}: unknown channel {channel!r} ({', '.join(CHANNELS)})")
            if channel not in configured:
                raise UsageError(f"--route {value}: {channel} is not configured (see --help, Alertmanager)")
        routes[severity] = channels
    return routes


_HOST_PORT = re.compile(r"^[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


def check_target(flag: str, value: str) -> str:
    if not _HOST_PORT.match(value):
        raise UsageError(f"{flag} {value}: expected HOST:PORT")
    return value


@frozen
class MonitoringOptions:
    """Everything the generators read."""

    thresholds: Thresholds = field(default_factory=lambda: Thresholds.model_validate({}))
    receivers: Receivers = field(default_factory=Receivers)
    stacks: tuple[str, ...] = ("metrics",)
    job: str = "sentinel"
    """The Pushgateway job sentinel pushes as (``sentinel scan --job``)."""
    pushgateway: str = "pushgateway:9091"
    alertmanager: str = "alertmanager:9093"
    prometheus: str = "localhost:9090"
    node_exporters: tuple[str, ...] = ()
    scrape_targets: tuple[str, ...] = ()
    """Long-running ``sentinel scan --metrics-port`` processes."""
    runbook_base: str = "README.md"
    """Where the alerts' ``runbook_url`` points (the generated README, or your wiki)."""
    scrape_interval: str = "15s"
    evaluation_interval: str = "15s"
    log_dir: str = "/var/log/sentinel"
    """Host directory with sentinel's JSON log and audit log (logging stack)."""
    log_file: str = "sentinel.log"
    audit_file: str = "audit.jsonl"


def parse_stacks(value: str) -> tuple[str, ...]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if names == ["all"]:
        return STACKS
    for name in names:
        if name not in STACKS:
            raise UsageError(f"--stack {value}: unknown stack {name!r} ({', '.join(STACKS)} or all)")
    if not names:
        raise UsageError("--stack: give metrics, logging, tracing or all")
    return tuple(name for name in STACKS if name in names)


def check_duration(flag: str, value: str) -> str:
    try:
        duration_seconds(value)
    except ValueError as exc:
        raise UsageError(f"{flag} {value}: {exc}") from None
    return value.strip()


def check_label_value(flag: str, value: str) -> str:
    if not value or '"' in value or "\\" in value or "\n" in value:
        raise UsageError(f"{flag} {value!r}: not usable as a label value")
    return value


def check_file_name(flag: str, value: str) -> str:
    if not value or "/" in value or value in (".", ".."):
        raise UsageError(f"{flag} {value!r}: give a file name, without a directory")
    return value


def check_webhook(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--webhook-url {url}: not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise UsageError("--webhook-url: no credentials in the URL; put a token in --webhook-token-file")
    return url


def parse_categories(value: str | None) -> tuple[str, ...] | None:
    """``--critical-categories a,b`` (or ``none``), checked against the threat categories."""
    from sentinel_cli.telemetry.catalog import THREAT_CATEGORIES

    if value is None:
        return None
    names = tuple(part.strip() for part in value.split(",") if part.strip() and part.strip() != "none")
    for name in names:
        if name not in THREAT_CATEGORIES:
            raise UsageError(
                f"--critical-categories: unknown threat category {name!r} ({', '.join(THREAT_CATEGORIES)})"
            )
    return names
