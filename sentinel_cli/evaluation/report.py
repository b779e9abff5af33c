"""Rendering evaluation results as Rich tables (``--format table``); JSON is ``to_dict``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sentinel_cli.evaluation.metrics import Metrics
from sentinel_cli.evaluation.service import EvalReport
from sentinel_cli.evaluation.spans import SpanScores

_METRIC_COLUMNS: tuple[str, ...] = ("rows", "pos", "neg", "TP", "FP", "FN", "TN", "prec.", "recall", "F1")
_METRIC_COLUMNS += ("FPR", "bal.acc", "AUC", "R@1%FPR")


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _metric_cells(metrics: Metrics) -> list[str]:
    c = metrics.confusion
    return [
        str(metrics.rows),
        str(c.positives),
        str(c.negatives),
        str(c.tp),
        str(c.fp),
        str(c.fn),
        str(c.tn),
        fmt(c.precision),
        fmt(c.recall),
        fmt(c.f1),
        fmt(c.fpr),
        fmt(c.balanced_accuracy),
        fmt(metrics.roc_auc),
        fmt(metrics.recall_at_1pct_fpr),
    ]


def _metrics_table(title: str, first: str, rows: list[tuple[str, Metrics]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first, overflow="fold", max_width=40)
    for column in _METRIC_COLUMNS:
        table.add_column(column, justify="right")
    for name, metrics in rows:
        table.add_row(name, *_metric_cells(metrics))
    return table


def render_report(report: EvalReport, console: Console) -> None:
    positive = ", ".join(report.positive)
    console.print(
        f"[bold]{', '.join(report.inputs)}[/bold]: mode {report.mode}, detected at score >= "
        f"{report.threshold:.2f}; positive labels ({report.label_field}): {positive}"
    )
    if report.unlabelled:
        console.print(f"{report.unlabelled} record(s) without a '{report.label_field}' value were left out.")
    console.print(_metrics_table("Overall", "", [("all", report.overall)]))
    c = report.overall.confusion
    matrix = Table(title="Confusion matrix", title_justify="left")
    matrix.add_column("")
    matrix.add_column("predicted positive", justify="right")
    matrix.add_column("predicted negative", justify="right")
    matrix.add_row("actual positive", str(c.tp), str(c.fn))
    matrix.add_row("actual negative", str(c.fp), str(c.tn))
    console.print(matrix)
    for name, groups in report.slices.items():
        console.print(_metrics_table(f"By {name}", name, list(groups.items())))
    for title, examples in (("False positives", report.false_positives), ("Missed", report.false_negatives)):
        if not examples:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("ID", "label", "score", "evidence"):
            table.add_column(column, overflow="fold")
        for example in examples:
            table.add_row(example.id, example.label, f"{example.score:.2f}", example.evidence)
        console.print(table)


def render_spans(scores: SpanScores, inputs: list[str], console: Console) -> None:
    data: dict[str, Any] = scores.to_dict()
    console.print(f"[bold]{', '.join(inputs)}[/bold]: {data['records']} record(s)")
    table = Table(title="PII spans by type", title_justify="left")
    for column in ("type", "gold", "predicted", "exact P", "exact R", "exact F1", "overlap P", "overlap R"):
        table.add_column(column, justify="right" if column != "type" else "left")
    table.add_column("overlap F1", justify="right")
    rows = [*data["types"].items(), ("micro (mapped types)", {**data["micro"], "labelled": True})]
    for kind, entry in rows:
        exact, overlap = entry["exact"], entry["overlap"]
        name = kind if entry["labelled"] else f"{kind} (not labelled)"
        table.add_row(
            name,
            str(entry["gold"]),
            str(entry["predicted"]),
            fmt(exact["precision"]),
            fmt(exact["recall"]),
            fmt(exact["f1"]),
            fmt(overlap["precision"]),
            fmt(overlap["recall"]),
            fmt(overlap["f1"]),
        )
    console.print(table)
