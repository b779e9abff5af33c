"""``sentinel cache stats|clear``: the LLM judge's answer cache."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded, report
from sentinel_cli.cli.options import ConfigOption

app = typer.Typer(
    help="Inspect or clear the LLM judge's answer cache (SENTINEL_CACHE_DIR).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@app.command()
@guarded
def stats(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> int:
    """Entries, size, and hits, misses and evictions over every run so far.

    Example: sentinel cache stats --json
    """
    from sentinel_cli.config import load_settings
    from sentinel_cli.llm.cache import lifetime_stats

    settings = load_settings(config)
    values = lifetime_stats(settings.cache_dir, lambda message: report(message, kind="warning"))
    values["ttl_seconds"] = settings.llm_cache_ttl
    lookups = values["hits"] + values["misses"]
    values["hit_rate"] = round(values["hits"] / lookups, 4) if lookups else None
    if as_json:
        sys.stdout.write(json.dumps(values, indent=2) + "\n")
    else:
        width = max(len(key) for key in values)
        for key, value in values.items():
            sys.stdout.write(f"{key:<{width}}  {'-' if value is None else value}\n")
    return 0


@app.command()
@guarded
def clear(config: ConfigOption = None) -> int:
    """Remove every cached judge answer (the next scans ask the API again).

    Example: sentinel cache clear
    """
    from sentinel_cli.config import load_settings
    from sentinel_cli.llm.cache import cache_paths, clear_cache

    settings = load_settings(config)
    removed = clear_cache(settings.cache_dir, lambda message: report(message, kind="warning"))
    sys.stderr.write(f"removed {removed} cached answer(s) from {cache_paths(settings.cache_dir)[0]}\n")
    return 0
