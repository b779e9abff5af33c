"""``sentinel eval``: measure detection against labelled data (prompts, or PII spans)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.cli.options import ConfigOption, InputFormatChoice, OnErrorChoice, csv_list
from sentinel_cli.errors import UsageError
from sentinel_cli.model import Mode

if TYPE_CHECKING:
    from rich.console import Console

EPILOG = """\
[bold]Examples[/bold]

  sentinel eval eval/dev/prompts.jsonl --label-field label --positive injection,jailbreak
  sentinel eval prompts.jsonl --slice-field tags --slice-field lang --format json
  sentinel eval labelled.csv --text-field body --label-field is_attack --positive true
  sentinel eval --pii eval/pii/dev/pii.jsonl

A record counts as detected when its score reaches the mode's flag threshold.
"""


class EvalFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@guarded
def eval_(
    paths: Annotated[list[str], typer.Argument(help="Labelled inputs (any format 'scan' reads), or -.")],
    label_field: Annotated[str, typer.Option(help="Field holding each record's label.")] = "label",
    positive: Annotated[
        str, typer.Option(help="Comma-separated label values that mean 'attack'.")
    ] = "injection,jailbreak",
    slice_field: Annotated[
        list[str] | None,
        typer.Option(help="Also report metrics per value of this field (each entry of a list); repeatable."),
    ] = None,
    pii: Annotated[
        bool, typer.Option("--pii", help="Score PII spans per type against the records' span labels.")
    ] = False,
    spans_field: Annotated[str, typer.Option(help="With --pii: field holding the gold spans.")] = "spans",
    format: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="Rich tables or JSON.")
    ] = EvalFormat.TABLE,
    examples: Annotated[
        int, typer.Option(min=0, help="List this many false positives and missed attacks.")
    ] = 0,
    text_field: Annotated[str | None, typer.Option(help="Field/column with the prompt.")] = None,
    id_field: Annotated[str | None, typer.Option(help="Field/column with the record id.")] = None,
    input_format: Annotated[InputFormatChoice | None, typer.Option(help="Input format.")] = None,
    mode: Annotated[Mode | None, typer.Option(help="Score thresholds. [default: moderate]")] = None,
    detectors: Annotated[
        str | None, typer.Option(help="Comma-separated detectors to run. [default: all local]")
    ] = None,
    on_error: Annotated[OnErrorChoice | None, typer.Option(help="Bad records: fail or skip.")] = None,
    config: ConfigOption = None,
) -> int:
    """Measure detection on labelled data: precision, recall, F1, FPR, ROC-AUC and more.

    Reads the same inputs as 'scan'. Prints a table (or JSON with --format json)
    with overall figures, the confusion matrix and, with --slice-field, the same
    figures per slice. With --pii, scores PII spans per type (exact and overlap).
    """
    from sentinel_cli.config import load_settings
    from sentinel_cli.evaluation.service import EvalRequest, run_eval, run_pii_eval

    if paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    settings = load_settings(
        config,
        mode=mode,
        detectors=csv_list(detectors),
        input_format=input_format.value if input_format else None,
        text_field=text_field,
        id_field=id_field,
        on_error=on_error.value if on_error else None,
    )
    if pii:
        scores = run_pii_eval(settings, paths, spans_field)
        if format is EvalFormat.JSON:
            sys.stdout.write(json.dumps({"inputs": paths, **scores.to_dict()}, indent=2) + "\n")
            return 0
        from sentinel_cli.evaluation.report import render_spans

        render_spans(scores, paths, _console())
        return 0
    labels = frozenset(value.lower() for value in csv_list(positive) or [])
    if not labels:
        raise UsageError("--positive: give at least one label value")
    request = EvalRequest(
        inputs=paths,
        label_field=label_field,
        positive=labels,
        slice_fields=tuple(dict.fromkeys(slice_field or [])),
        examples=examples,
    )
    report = run_eval(settings, request)
    if format is EvalFormat.JSON:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        return 0
    from sentinel_cli.evaluation.report import render_report

    render_report(report, _console())
    return 0


def _console() -> Console:
    """Tables are wide: give them room when stdout is not a terminal (a file, a pipe)."""
    from rich.console import Console

    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 180)
