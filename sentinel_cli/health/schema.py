"""The JSON Schema of ``sentinel health --format json`` (``sentinel.health/1``).

Scripts may rely on every key declared here; ``details`` holds each check's
own facts (listed per check in the README) and may gain keys, never lose them,
within a schema version. tests/health/test_schema.py fails when keys change.
"""

from __future__ import annotations

from typing import Any

from sentinel_cli.health.model import SCHEMA, Status

_STATUS = {"type": "string", "enum": [status.value for status in Status]}

CHECK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "status", "skipped", "duration_ms", "message", "remedy", "details"],
    "properties": {
        "name": {"type": "string", "description": "Stable check name (--check takes it)."},
        "status": {**_STATUS, "description": "healthy, degraded or unhealthy."},
        "skipped": {"type": "boolean", "description": "Nothing to check (reason in message); healthy."},
        "duration_ms": {"type": "number", "minimum": 0, "description": "Time the check took."},
        "message": {"type": "string", "description": "One line: what was found."},
        "remedy": {
            "type": ["string", "null"],
            "description": "One line: what to do; null when healthy.",
        },
        "details": {"type": "object", "description": "The check's facts (see the README)."},
    },
}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "sentinel health report",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "schema",
        "status",
        "probe",
        "timestamp",
        "duration_ms",
        "timeout_s",
        "version",
        "counts",
        "checks",
    ],
    "properties": {
        "schema": {"const": SCHEMA},
        "status": {**_STATUS, "description": "The worst status of the checks."},
        "probe": {"type": "string", "enum": ["all", "live", "ready", "selected"]},
        "timestamp": {"type": "string", "description": "Start of the run, ISO 8601 UTC."},
        "duration_ms": {"type": "number", "minimum": 0},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "description": "Per-check timeout."},
        "version": {"type": "string", "description": "sentinel version."},
        "counts": {
            "type": "object",
            "additionalProperties": False,
            "required": ["healthy", "degraded", "unhealthy", "skipped"],
            "properties": {
                key: {"type": "integer", "minimum": 0}
                for key in ("healthy", "degraded", "unhealthy", "skipped")
            },
        },
        "checks": {"type": "array", "items": CHECK_SCHEMA},
    },
}
