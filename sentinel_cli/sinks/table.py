"""A Rich table for people at a terminal."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from sentinel_cli.console import console as make_console
from sentinel_cli.model import ScanResult, Verdict
from sentinel_cli.sinks.base import Sink

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.ALLOW: "green",
    Verdict.FLAG: "yellow",
    Verdict.REDACT: "cyan",
    Verdict.STRIP: "magenta",
    Verdict.BLOCK: "bold red",
}

ALL_ROWS_UP_TO = 200
"""Above this many records the table lists only those that are not allowed."""


class TableSink(Sink):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._rows: list[ScanResult] = []
        self._total = 0

    def write(self, result: ScanResult) -> None:
        self._total += 1
        if result.verdict is not Verdict.ALLOW or self._total <= ALL_ROWS_UP_TO:
            self._rows.append(result)

    def close(self) -> None:
        console = make_console(
            file=self.output.text(), force_terminal=self.output.is_terminal or None, soft_wrap=False
        )
        rows = self._rows
        hidden = 0
        if self._total > ALL_ROWS_UP_TO:
            rows = [r for r in rows if r.verdict is not Verdict.ALLOW]
            hidden = self._total - len(rows)
        table = Table(title=None, expand=False, show_lines=False)
        table.add_column("ID", overflow="fold", max_width=28)
        table.add_column("Source", overflow="fold", max_width=32)
        table.add_column("Verdict")
        table.add_column("Score", justify="right")
        table.add_column("Categories", overflow="fold")
        table.add_column("Evidence", overflow="fold", max_width=60)
        for result in rows:
            first = next((f for f in result.findings if not f.suppressed), None)
            evidence = f"{first.rule_id}: {first.evidence}" if first else ""
            table.add_row(
                result.id,
                result.source,
                Text(result.verdict.value, style=VERDICT_STYLES[result.verdict]),
                f"{result.score:.2f}",
                ", ".join(result.categories),
                Text(evidence),
            )
        console.print(table)
        if hidden:
            console.print(f"{hidden} allowed record(s) not listed; use --format jsonl to see every record.")
        super().close()
