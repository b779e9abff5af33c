"""One health run from the command's options: settings, the checks to run, the report, the gate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sentinel_cli.errors import ConfigError, UsageError
from sentinel_cli.exit_codes import ExitCode
from sentinel_cli.health import registry
from sentinel_cli.health.interface import Context
from sentinel_cli.health.model import HealthReport, Status
from sentinel_cli.health.registry import Probe
from sentinel_cli.health.runner import run_checks


def context_for(config_file: Path | None, timeout: float) -> Context:
    """Load the settings as a scan would; an invalid configuration is kept as the reason."""
    from sentinel_cli.config import find_config_file, load_settings

    path = config_file or find_config_file(Path.cwd().resolve())
    try:
        settings = load_settings(config_file)
    except ConfigError as exc:
        return Context(settings=None, config_error=str(exc), config_file=path, timeout=timeout)
    return Context(settings=settings, config_error=None, config_file=path, timeout=timeout)


def run(
    *,
    config_file: Path | None,
    checks: Sequence[str] = (),
    probe: Probe | None = None,
    timeout: float,
) -> HealthReport:
    if checks and probe is not None:
        raise UsageError("--check and --probe do not go together (a probe chooses its own checks)")
    chosen = registry.select(checks) if checks else None  # unknown names fail before anything runs
    context = context_for(config_file, timeout)
    if chosen is not None:
        if context.settings is None and all(check.needs_settings for check in chosen):
            # The chosen checks cannot run without settings: say why instead of skipping quietly.
            chosen = [*registry.select(["config"]), *chosen]
        return run_checks(chosen, context, probe="selected")
    if probe is not None:
        return run_checks(registry.for_probe(probe, context), context, probe=probe.value)
    return run_checks(registry.all_checks(), context, probe="all")


def exit_code(report: HealthReport, fail_on: Status) -> ExitCode:
    """1 when the overall status is at or above ``fail_on`` (degraded by default), else 0."""
    return ExitCode.FINDINGS if report.status.rank >= fail_on.rank else ExitCode.OK
