"""The report as a Rich table for people (scripts use the JSON form)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sentinel_cli.health.model import HealthReport, Status

STYLES = {Status.HEALTHY: "green", Status.DEGRADED: "yellow", Status.UNHEALTHY: "bold red"}


def render(report: HealthReport) -> RenderableType:
    table = Table(title=f"sentinel health ({report.probe})", title_justify="left")
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True)
    table.add_column("Details", overflow="fold")
    for check in report.checks:
        outcome = check.outcome
        label = "skipped" if outcome.skipped else outcome.status.value
        style = "dim" if outcome.skipped else STYLES[outcome.status]
        details = Text(outcome.message)
        if outcome.remedy:
            details.append("\n→ " + outcome.remedy, style="italic")
        table.add_row(check.name, Text(label, style=style), f"{check.duration_s * 1000:.0f} ms", details)
    counts = report.counts()
    summary = Text("overall: ")
    summary.append(report.status.value, style=STYLES[report.status])
    summary.append(
        f" ({counts['healthy']} healthy, {counts['degraded']} degraded, {counts['unhealthy']} unhealthy"
        f"; {counts['skipped']} skipped) in {report.duration_s:.1f} s"
    )
    return Group(table, summary)
