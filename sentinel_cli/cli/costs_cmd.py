"""``sentinel costs``: what the LLM judge spent, by day, provider, model and job."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.cli.errors import report as say
from sentinel_cli.cli.options import ConfigOption

if TYPE_CHECKING:
    from sentinel_cli.llm.report import CostReport

EPILOG = """\
[bold]Examples[/bold]

  sentinel costs
  sentinel costs --since 30d --format json | jq .total.cost_usd
  sentinel costs --since 2026-11-01 --job nightly --format csv > costs.csv
"""


class CostsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@guarded
def costs(
    since: Annotated[
        str, typer.Option(help="Window start: a span (7d, 24h, 30m, 2w) or a date (2026-11-01, UTC).")
    ] = "7d",
    job: Annotated[str | None, typer.Option(help="Only this job's calls.")] = None,
    format: Annotated[CostsFormat, typer.Option("--format", "-f", help="Output format.")] = CostsFormat.TABLE,
    config: ConfigOption = None,
) -> int:
    """Report LLM judge spend from the cost ledger, budget status and cache savings."""
    from sentinel_cli.config import load_settings
    from sentinel_cli.llm.report import CSV_COLUMNS, build_report, csv_rows, parse_since

    settings = load_settings(config)
    report = build_report(
        settings, parse_since(since), job, warn=lambda message: say(message, kind="warning")
    )
    if format is CostsFormat.JSON:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    elif format is CostsFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(report))
    else:
        _table(report)
    return 0


def _table(report: CostReport) -> None:
    from rich.table import Table

    from sentinel_cli.console import console as make_console

    console = make_console()
    data = report.to_dict()
    console.print(f"LLM judge spend from {data['since']} to {data['until']} (UTC)")
    for group, rows in report.groups.items():
        table = Table(title=f"by {group}", title_justify="left")
        for column in (
            group,
            "calls",
            "cache hits",
            "errors",
            "tokens in",
            "tokens out",
            "cost USD",
            "saved USD",
        ):
            table.add_column(column, justify="left" if column == group else "right")
        for r in [*rows, report.total] if rows else []:
            table.add_row(
                r.key,
                str(r.calls),
                str(r.cache_hits),
                str(r.errors),
                str(r.input_tokens),
                str(r.output_tokens),
                f"{r.cost_usd:.4f}",
                f"{r.saved_usd:.4f}",
            )
        if not rows:
            table.add_row("(no calls)", "", "", "", "", "", "", "")
        console.print(table)
    if report.budgets:
        table = Table(title="budgets", title_justify="left")
        for column in ("period", "limit USD", "spent USD", "used", "state"):
            table.add_column(column)
        for b in report.budgets:
            table.add_row(
                b.period, f"{b.limit_usd:.2f}", f"{b.spent_usd:.4f}", f"{b.used_percent:.0f}%", b.state
            )
        console.print(table)
    else:
        console.print("budgets: none set (budget_hourly_usd, budget_daily_usd, budget_monthly_usd)")
    console.print(f"cache: {report.total.cache_hits} hit(s) saved ${report.total.saved_usd:.4f}")
