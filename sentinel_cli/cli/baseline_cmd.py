"""``sentinel baseline create|update``: record today's findings so CI gates only on new ones."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sentinel_cli.cli.errors import guarded, report
from sentinel_cli.cli.options import ConfigOption, csv_list
from sentinel_cli.errors import UsageError

if TYPE_CHECKING:
    from sentinel_cli.ci.baseline import Entry
    from sentinel_cli.ci.repo import RepoPaths
    from sentinel_cli.runner import RunSummary

DEFAULT_NAME = ".sentinel-baseline.json"

EPILOG = """\
[bold]Examples[/bold]

  sentinel baseline create -o .sentinel-baseline.json      # scans . by default
  sentinel scan . --baseline .sentinel-baseline.json        # gates only new findings
  sentinel baseline update                                  # refresh; lists what is gone
"""

app = typer.Typer(
    help="Record accepted findings in a baseline so 'scan --baseline' gates only on new ones.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Files or directories to scan.", show_default=False),
]
DetectorsOption = Annotated[
    str | None, typer.Option(help="Comma-separated detectors to run. [default: all local]")
]
IncludeOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Walking directories: scan only files matching this glob (repeatable).", show_default=False
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(help="Walking directories: skip paths matching this glob (repeatable).", show_default=False),
]
AsSourceOption = Annotated[
    bool | None,
    typer.Option("--as-source", help="Read named files as a directory walk does.", show_default=False),
]
TextFieldOption = Annotated[str | None, typer.Option(help="Field/column with the prompt in data files.")]


def _default_file(repo: RepoPaths) -> Path:
    return Path(os.path.relpath(repo.root / DEFAULT_NAME))


def _collect(
    config: Path | None,
    inputs: list[str],
    target: Path,
    *,
    detectors: str | None,
    include: list[str] | None,
    exclude: list[str] | None,
    as_source: bool | None,
    text_field: str | None,
) -> tuple[RunSummary, dict[str, Entry]]:
    from sentinel_cli.cli.progress import ProgressObserver
    from sentinel_cli.config import load_settings
    from sentinel_cli.scan_service import collect_findings

    settings = load_settings(
        config,
        detectors=csv_list(detectors),
        include=include or None,
        exclude=exclude or None,
        as_source=as_source,
        text_field=text_field,
    )
    summary, entries = collect_findings(settings, inputs, skip=[target], observers=[ProgressObserver(True)])
    if summary.error is not None:
        raise summary.error
    if summary.interrupted:
        raise KeyboardInterrupt
    for note in summary.notes[:20]:
        report(note, kind="note")
    return summary, entries


@app.command(epilog=EPILOG)
@guarded
def create(
    paths: PathsArgument = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=f"Baseline file to write. [default: {DEFAULT_NAME} at the repository top]"
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing baseline.")] = False,
    detectors: DetectorsOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    as_source: AsSourceOption = None,
    text_field: TextFieldOption = None,
    config: ConfigOption = None,
) -> int:
    """Scan (the current directory by default) and record every finding by fingerprint."""
    from sentinel_cli import __version__
    from sentinel_cli.ci.baseline import Baseline, dump
    from sentinel_cli.ci.repo import RepoPaths

    repo = RepoPaths()
    output = output or _default_file(repo)
    if output.exists() and not force:
        raise UsageError(f"{output} exists: refresh it with 'sentinel baseline update', or use --force")
    inputs = list(paths or ["."])
    summary, entries = _collect(
        config,
        inputs,
        output,
        detectors=detectors,
        include=include,
        exclude=exclude,
        as_source=as_source,
        text_field=text_field,
    )
    baseline = Baseline(paths=[repo.key(name) for name in inputs], entries=entries)
    dump(baseline, output, __version__)
    sys.stderr.write(
        f"baseline: recorded {len(entries)} finding(s) from {summary.scanned} prompt(s) in {output}\n"
    )
    return 0


@app.command(epilog=EPILOG)
@guarded
def update(
    paths: PathsArgument = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            "-b",
            help=f"Baseline file to refresh. [default: {DEFAULT_NAME} at the repository top]",
        ),
    ] = None,
    detectors: DetectorsOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    as_source: AsSourceOption = None,
    text_field: TextFieldOption = None,
    config: ConfigOption = None,
) -> int:
    """Rescan (the paths recorded in the baseline by default), record the findings of today
    and list the recorded findings that are gone."""
    from sentinel_cli import __version__
    from sentinel_cli.ci.baseline import Baseline, diff, dump, load
    from sentinel_cli.ci.repo import RepoPaths

    repo = RepoPaths()
    baseline = baseline or _default_file(repo)
    old = load(baseline)
    inputs = list(paths) if paths else [os.path.relpath(repo.root / p) for p in old.paths]
    summary, entries = _collect(
        config,
        inputs,
        baseline,
        detectors=detectors,
        include=include,
        exclude=exclude,
        as_source=as_source,
        text_field=text_field,
    )
    gone, added = diff(old, entries)
    for entry in gone:
        sys.stderr.write(f"gone: {entry.describe()}\n")
    for entry in added:
        sys.stderr.write(f"new: {entry.describe()}\n")
    kept = len(entries) - len(added)
    dump(Baseline(paths=[repo.key(name) for name in inputs], entries=entries), baseline, __version__)
    sys.stderr.write(
        f"baseline: {len(gone)} finding(s) gone, {len(added)} new, {kept} kept; wrote {baseline}"
        f" ({summary.scanned} prompt(s) scanned)\n"
    )
    return 0
