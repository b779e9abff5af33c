"""``report patterns`` as a table for people, JSON, or one CSV with a ``section`` column."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from enum import StrEnum
from typing import IO, Any, assert_never

from sentinel_cli.report.patterns import PatternReport


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def to_dict(report: PatternReport) -> dict[str, Any]:
    return {
        "min_count": report.min_count,
        "records": report.records,
        "threats": report.threats,
        "patterns": [
            {**asdict(p), "rule_ids": list(p.rule_ids), "sources": list(p.sources)} for p in report.patterns
        ],
        "by_category": [asdict(s) for s in report.by_category],
        "by_detector": [asdict(s) for s in report.by_detector],
    }


CSV_COLUMNS = (
    "section",
    "key",
    "count",
    "share",
    "first_seen",
    "last_seen",
    "categories",
    "rule_ids",
    "sources",
)


def write_csv(report: PatternReport, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in report.patterns:
        share = round(p.count / report.threats, 6) if report.threats else 0.0
        writer.writerow(
            ["pattern", p.text_hash, p.count, share, p.first_seen, p.last_seen,
             json.dumps(p.categories), " ".join(p.rule_ids), " ".join(p.sources)]
        )  # fmt: skip
    for section, shares in (("category", report.by_category), ("detector", report.by_detector)):
        for s in shares:
            writer.writerow([section, s.key, s.count, s.share, "", "", "", "", ""])


def write_table(report: PatternReport, out: IO[str]) -> None:
    from rich.table import Table

    from sentinel_cli.console import console as make_console

    console = make_console(file=out, width=160 if not out.isatty() else None)
    title = (
        f"{len(report.patterns)} repeated pattern(s) seen at least {report.min_count} times "
        f"({report.threats} threat record(s) of {report.records})"
    )
    table = Table(title=title, title_justify="left")
    for column in ("text hash", "count", "first seen", "last seen", "categories", "rule ids", "sources"):
        table.add_column(column, overflow="fold")
    for p in report.patterns:
        more = f" (+{p.source_count - len(p.sources)})" if p.source_count > len(p.sources) else ""
        table.add_row(
            p.text_hash[:16], str(p.count), p.first_seen, p.last_seen,
            ", ".join(f"{k} {v}" for k, v in p.categories.items()), ", ".join(p.rule_ids),
            ", ".join(p.sources[:3]) + (" ..." if len(p.sources) > 3 else "") + more,
        )  # fmt: skip
    console.print(table)
    for name, shares in (("category", report.by_category), ("detector", report.by_detector)):
        share_table = Table(title=f"threats by {name}", title_justify="left")
        for column in (name, "records", "share"):
            share_table.add_column(column)
        for s in shares:
            share_table.add_row(s.key, str(s.count), f"{s.share:.1%}")
        console.print(share_table)


def write(report: PatternReport, fmt: ReportFormat, out: IO[str]) -> None:
    if fmt is ReportFormat.TABLE:
        write_table(report, out)
    elif fmt is ReportFormat.JSON:
        out.write(json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n")
    elif fmt is ReportFormat.CSV:
        write_csv(report, out)
    else:
        assert_never(fmt)
