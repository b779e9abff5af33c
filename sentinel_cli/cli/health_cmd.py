"""``sentinel health``: can this machine run the configured job, and if not, why not."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.cli.options import ConfigOption

EPILOG = """\
[bold]Checks[/bold]: config, detectors, cache, data, memory, llm.anthropic, llm.openai (family: llm), \
pushgateway, otlp, budget.

[bold]Exit codes[/bold]: 0 healthy (or degraded, with --fail-on unhealthy); 1 degraded or unhealthy, \
an invalid configuration included; 2 usage error (unknown --check name, bad flag).

[bold]Examples[/bold]

  sentinel health
  sentinel health --format json | jq -r '.checks[] | select(.status != "healthy") | .name'
  sentinel health --probe ready --fail-on unhealthy --timeout 3
  sentinel health --check pushgateway --check llm
"""


class HealthFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class ProbeChoice(StrEnum):
    LIVE = "live"
    READY = "ready"


class HealthFailOn(StrEnum):
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"


@guarded
def health(
    check: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            metavar="NAME",
            help="Run only this check, or family (llm); repeatable.",
            show_default=False,
        ),
    ] = None,
    probe: Annotated[
        ProbeChoice | None,
        typer.Option(
            help="live: the process starts and the configuration parses; "
            "ready: every check the configured job needs.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        HealthFormat, typer.Option("--format", "-f", help="Output format.")
    ] = HealthFormat.TABLE,
    fail_on: Annotated[
        HealthFailOn,
        typer.Option(help="Exit 1 at this overall status or worse (unhealthy tolerates degraded)."),
    ] = HealthFailOn.DEGRADED,
    timeout: Annotated[
        float, typer.Option(min=0.1, max=300.0, help="Seconds each check may take (they run concurrently).")
    ] = 5.0,
    config: ConfigOption = None,
) -> int:
    """Check that this machine can run sentinel; exit 0 when healthy, 1 when not.

    Configuration, detectors, storage, memory, LLM providers, Pushgateway, OTLP and budgets.
    """
    from sentinel_cli.health import service
    from sentinel_cli.health.model import Status
    from sentinel_cli.health.registry import Probe

    report = service.run(
        config_file=config,
        checks=check or (),
        probe=Probe(probe.value) if probe is not None else None,
        timeout=timeout,
    )
    if format is HealthFormat.JSON:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        from rich.console import Console

        from sentinel_cli.health.table import render

        Console().print(render(report))
    return int(service.exit_code(report, Status(fail_on.value)))
