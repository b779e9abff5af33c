"""``sentinel report patterns``: repeated attacks in scan results or audit logs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sentinel_cli.cli.errors import guarded, report
from sentinel_cli.cli.options import PatternFormatChoice
from sentinel_cli.errors import RuntimeFailure, UsageError

if TYPE_CHECKING:
    from sentinel_cli.telemetry.push import PushConfig

app = typer.Typer(help="Reports over sentinel's results and audit logs.", no_args_is_help=True)

METRICS = "Metrics"


@app.command(
    epilog="""\
[bold]Examples[/bold]

  sentinel report patterns audit.jsonl
  sentinel report patterns results.parquet --min-count 10 --format csv -o patterns.csv
  sentinel report patterns audit.jsonl --push http://pushgateway:9091 --group instance=nightly
"""
)
@guarded
def patterns(
    files: Annotated[
        list[str], typer.Argument(help="Scan results (JSONL, JSON, Parquet) or audit logs; - is stdin.")
    ],
    min_count: Annotated[
        int, typer.Option(min=2, help="Report a normalised text seen at least this many times.")
    ] = 5,
    format: Annotated[
        PatternFormatChoice, typer.Option("--format", "-f", help="table, json or csv.")
    ] = PatternFormatChoice.TABLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    metrics_file: Annotated[
        Path | None,
        typer.Option(help="Write promptsentinel_repeated_attacks here (textfile).", rich_help_panel=METRICS),
    ] = None,
    push: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Push promptsentinel_repeated_attacks to this Pushgateway.",
            rich_help_panel=METRICS,
        ),
    ] = None,
    job: Annotated[
        str, typer.Option(help="Pushgateway job label.", rich_help_panel=METRICS)
    ] = "sentinel_patterns",
    group: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE", help="Pushgateway grouping label (repeatable).", rich_help_panel=METRICS
        ),
    ] = None,
) -> int:
    """Report repeated attack patterns: threat prompts grouped by the hash of their normalised
    text (case, compatibility forms and spacing folded), with counts, first and last seen,
    categories, rule ids and sources, and the share of threats by category and by detector.
    """
    from sentinel_cli.report.patterns import analyse
    from sentinel_cli.report.patterns_format import ReportFormat, write
    from sentinel_cli.report.records import Totals, read_records
    from sentinel_cli.sinks.output import Output

    push_config = _push_config(push, job, group or []) if push else None
    if metrics_file is not None:
        from sentinel_cli.telemetry.exposition import check_metrics_file

        check_metrics_file(metrics_file)
    totals = Totals()
    result = analyse(read_records(files, totals), totals, min_count)
    out = Output(output)
    try:
        write(result, ReportFormat(format.value), out.text())
        out.commit()
    finally:
        out.discard()
    if metrics_file is None and push_config is None:
        return 0
    from sentinel_cli.report.patterns_metrics import patterns_registry

    registry = patterns_registry(result.repeated_by_category())
    if metrics_file is not None:
        from sentinel_cli.telemetry.exposition import write_metrics_file

        write_metrics_file(registry, metrics_file)
    if push_config is not None:
        from sentinel_cli.telemetry.push import push as push_registry

        pushed = push_registry(registry, push_config)
        if not pushed.ok:
            raise RuntimeFailure(
                f"push to Pushgateway {push_config.display_url} failed after {pushed.attempts} attempt(s): "
                f"{pushed.error} (the report was written)"
            )
        report(f"pushed promptsentinel_repeated_attacks to {push_config.display_url}", kind="info")
    return 0


def _push_config(url: str, job: str, groups: list[str]) -> PushConfig:
    from sentinel_cli.telemetry.push import PushConfig, check_config

    labels = {}
    for item in groups:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--group {item}: expected KEY=VALUE")
        labels[key.strip()] = value.strip()
    config = PushConfig(url=url, job=job, groups=labels)
    check_config(config)
    return config
