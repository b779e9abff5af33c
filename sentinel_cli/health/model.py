"""What a health run produces: ordered statuses, one result per check, and the report.

The JSON form (``HealthReport.to_dict``) is a public interface for scripts:
``SCHEMA`` names its version and ``sentinel_cli.health.schema`` declares it.
Keys are only ever added under a new schema version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from enum import StrEnum
from typing import Any

from sentinel_cli.frozen import frozen

SCHEMA = "sentinel.health/1"


class Status(StrEnum):
    """Ordered: the overall status is the worst of the checks'."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Status.HEALTHY: 0, Status.DEGRADED: 1, Status.UNHEALTHY: 2}


def worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=lambda status: status.rank, default=Status.HEALTHY)


@frozen
class Outcome:
    """What a check found: a status, one line for people, a remedy when not healthy, and facts."""

    status: Status
    message: str
    remedy: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    skipped: bool = False

    def capped(self, ceiling: Status, why: str) -> Outcome:
        """No worse than ``ceiling`` (for something the configured job does not use)."""
        if self.status.rank <= ceiling.rank:
            return self
        return Outcome(ceiling, f"{self.message} ({why})", self.remedy, self.details, self.skipped)


def healthy(message: str, **details: Any) -> Outcome:
    return Outcome(Status.HEALTHY, message, None, details)


def degraded(message: str, remedy: str, **details: Any) -> Outcome:
    return Outcome(Status.DEGRADED, message, remedy, details)


def unhealthy(message: str, remedy: str, **details: Any) -> Outcome:
    return Outcome(Status.UNHEALTHY, message, remedy, details)


def skipped(reason: str, **details: Any) -> Outcome:
    """Nothing to check (not configured, or not possible here): healthy, marked as skipped."""
    return Outcome(Status.HEALTHY, reason, None, details, skipped=True)


@frozen
class CheckResult:
    name: str
    outcome: Outcome
    duration_s: float

    @property
    def status(self) -> Status:
        return self.outcome.status

    def to_dict(self) -> dict[str, Any]:
        o = self.outcome
        return {
            "name": self.name,
            "status": o.status.value,
            "skipped": o.skipped,
            "duration_ms": round(self.duration_s * 1000.0, 1),
            "message": o.message,
            "remedy": o.remedy,
            "details": dict(o.details),
        }


@frozen
class HealthReport:
    checks: tuple[CheckResult, ...]
    probe: str
    """``all``, ``live``, ``ready`` or ``selected`` (``--check``)."""
    timestamp: str
    """When the run started, ISO 8601 UTC."""
    duration_s: float
    timeout_s: float
    version: str

    @property
    def status(self) -> Status:
        return worst([check.status for check in self.checks])

    def counts(self) -> dict[str, int]:
        """Checks per status, skipped ones apart: the four numbers add up to the checks run."""
        counts = {status.value: 0 for status in Status}
        counts["skipped"] = 0
        for check in self.checks:
            counts["skipped" if check.outcome.skipped else check.status.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "status": self.status.value,
            "probe": self.probe,
            "timestamp": self.timestamp,
            "duration_ms": round(self.duration_s * 1000.0, 1),
            "timeout_s": self.timeout_s,
            "version": self.version,
            "counts": self.counts(),
            "checks": [check.to_dict() for check in self.checks],
        }
