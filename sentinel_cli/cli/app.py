"""The ``sentinel`` command: a Typer app whose subcommands live one per module.

Command modules import only Typer and the standard library at the top; the
engine, readers and formatters are imported inside the commands. ``main``
registers only the command being run (``sentinel scan ...`` never imports or
builds the other ten), so a one-prompt scan starts fast; help, completion and
anything unrecognised get the whole app.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.core

from sentinel_cli import __version__

HELP = """\
Guard LLM applications: scan prompts for prompt injection, jailbreaks, PII and secrets.

Works offline by default. Data goes to stdout (or -o), messages to stderr.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error,
3 internal or runtime failure, 130 interrupted, 141 stdout closed by its reader.
(sentinel health: 0 healthy, 1 not.)
"""

COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("scan", "scan"),
    "detectors": ("detectors_cmd", "detectors"),
    "eval": ("eval_cmd", "eval_"),
    "config": ("config_cmd", "app"),
    "baseline": ("baseline_cmd", "app"),
    "costs": ("costs_cmd", "costs"),
    "cache": ("cache_cmd", "app"),
    "gen-monitoring": ("gen_monitoring_cmd", "gen_monitoring"),
    "report": ("report_cmd", "app"),
    "health": ("health_cmd", "health"),
}
"""Command name -> (module in ``sentinel_cli.cli``, the command function or sub-app), in help order."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sentinel {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Guard LLM applications: scan prompts for injection, jailbreaks, PII and secrets."""


class _Command(typer.core.TyperCommand):
    """Typer's command, except that an option left unset skips type coercion.

    Typer 0.29 builds a pydantic ``TypeAdapter`` for each parameter it
    processes, including those left at a ``None`` default, for which coercion
    is the identity. ``scan`` has about 50 options, so a one-prompt scan would
    spend several milliseconds building adapters it never uses.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _skip_unset(param)


def _skip_unset(param: Any) -> None:
    full = param.process_value
    if param.required or param.multiple or param.nargs != 1 or param.callback is not None:
        return

    def process_value(ctx: Any, value: Any) -> Any:
        return None if value is None else full(ctx, value)

    param.process_value = process_value


def build_app(names: tuple[str, ...] = tuple(COMMANDS)) -> typer.Typer:
    """The app with the given commands registered (all of them by default)."""
    app = typer.Typer(
        name="sentinel",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in names:
        module_name, attribute = COMMANDS[name]
        module = importlib.import_module(f"sentinel_cli.cli.{module_name}")
        target = getattr(module, attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name=name, cls=_Command, epilog=getattr(module, "EPILOG", None))(target)
    return app


def _wanted(argv: list[str]) -> tuple[str, ...]:
    """Just the command being run, when that is clear; every command otherwise."""
    if argv and argv[0] in COMMANDS and not any(key.endswith("_COMPLETE") for key in os.environ):
        return (argv[0],)
    return tuple(COMMANDS)


def __getattr__(name: str) -> Any:
    # ``from sentinel_cli.cli.app import app`` (completion scripts, tests) gets the full app.
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    # A fixed program name keeps usage lines and shell completion the same
    # whether sentinel runs as a console script or as ``python -m sentinel_cli``.
    build_app(_wanted(sys.argv[1:]))(prog_name="sentinel")
