"""Telemetry for runs: Prometheus metrics and the Pushgateway, JSON logs, the audit log, traces.

Nothing here is imported unless a telemetry setting asks for it, so a plain scan
pays nothing: ``wanted`` tells the command whether to build a ``Telemetry``
session (``sentinel_cli.telemetry.session``) at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentinel_cli.config import Settings


def metrics_wanted(settings: Settings) -> bool:
    """A metrics registry is built only when something will read it."""
    return (
        bool(settings.pushgateway_url)
        or settings.metrics_file is not None
        or settings.metrics_port is not None
    )


def logging_wanted(settings: Settings) -> bool:
    return settings.log_format is not None or settings.log_level is not None or settings.log_file is not None


def wanted(settings: Settings) -> bool:
    """True when any telemetry feature is on."""
    return (
        metrics_wanted(settings)
        or logging_wanted(settings)
        or settings.audit_log is not None
        or settings.trace != "off"
    )
