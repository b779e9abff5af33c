"""The ``sentinel`` command: a Typer app whose subcommands live one per module.

Command modules import only Typer and the standard library at the top; the
engine, readers and formatters are imported inside the commands, so
``sentinel --help`` and a one-prompt scan start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sentinel_cli import __version__
from sentinel_cli.cli import (
    baseline_cmd,
    cache_cmd,
    config_cmd,
    costs_cmd,
    detectors_cmd,
    eval_cmd,
    gen_monitoring_cmd,
    health_cmd,
    report_cmd,
)
from sentinel_cli.cli.scan import EPILOG as SCAN_EPILOG
from sentinel_cli.cli.scan import scan

HELP = """\
Guard LLM applications: scan prompts for prompt injection, jailbreaks, PII and secrets.

Works offline by default. Data goes to stdout (or -o), messages to stderr.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error,
3 internal or runtime failure, 130 interrupted. (sentinel health: 0 healthy, 1 not.)
"""

app = typer.Typer(
    name="sentinel",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sentinel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Guard LLM applications: scan prompts for injection, jailbreaks, PII and secrets."""


app.command(epilog=SCAN_EPILOG)(scan)
app.command(name="detectors", epilog=detectors_cmd.EPILOG)(detectors_cmd.detectors)
app.command(name="eval", epilog=eval_cmd.EPILOG)(eval_cmd.eval_)
app.add_typer(config_cmd.app, name="config")
app.add_typer(baseline_cmd.app, name="baseline")
app.command(name="costs", epilog=costs_cmd.EPILOG)(costs_cmd.costs)
app.add_typer(cache_cmd.app, name="cache")
app.command(name="gen-monitoring", epilog=gen_monitoring_cmd.EPILOG)(gen_monitoring_cmd.gen_monitoring)
app.add_typer(report_cmd.app, name="report")
app.command(name="health", epilog=health_cmd.EPILOG)(health_cmd.health)


def main() -> None:
    # A fixed program name keeps usage lines and shell completion the same
    # whether sentinel runs as a console script or as ``python -m sentinel_cli``.
    app(prog_name="sentinel")
