"""``sentinel config show|init|validate``: the settings schema as commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.cli.options import ConfigOption
from sentinel_cli.errors import UsageError

app = typer.Typer(
    help="Show, create and check sentinel's configuration.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@app.command()
@guarded
def show(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of TOML.")] = False,
) -> int:
    """Print the effective settings (flags aside) with secrets masked, and where they came from.

    Example: SENTINEL_MODE=strict sentinel config show
    """
    from sentinel_cli.config import effective_values, find_config_file, load_settings
    from sentinel_cli.config_sample import to_toml

    path = config or find_config_file(Path.cwd().resolve())
    values = effective_values(load_settings(config))
    if as_json:
        sys.stdout.write(json.dumps(values, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(f"# config file: {path or 'none (defaults and environment)'}\n")
        sys.stdout.write(to_toml(values))
    return 0


@app.command()
@guarded
def init(
    path: Annotated[Path, typer.Argument(help="File to write.")] = Path("sentinel.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> int:
    """Write a commented sample configuration with every setting and its default.

    Example: sentinel config init && sentinel config validate sentinel.toml
    """
    from sentinel_cli.config_sample import sample_config

    if path.exists() and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    path.write_text(sample_config(), encoding="utf-8")
    sys.stderr.write(f"wrote {path}\n")
    return 0


@app.command()
@guarded
def validate(
    path: Annotated[Path, typer.Argument(help="Config file to check (sentinel.toml or pyproject.toml).")],
) -> int:
    """Check a configuration file: exit 0 when valid, 2 with the problems otherwise.

    Example: sentinel config validate pyproject.toml
    """
    from sentinel_cli.config import load_settings

    load_settings(path, discover=False, environment=False)
    sys.stderr.write(f"{path}: valid\n")
    return 0
