"""Every output format has a formatter, and all data formats carry the same record."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sentinel_cli.model import Category, Finding, Location, PiiSpan, ScanResult, Severity, Verdict
from sentinel_cli.sinks.base import OutputFormat, RunInfo, make_sink
from sentinel_cli.sinks.output import Output
from sentinel_cli.sinks.parquet import SCHEMA

RESULT = ScanResult(
    id="r1",
    location=Location("in.jsonl", line=3, row=3),
    verdict=Verdict.BLOCK,
    score=0.97,
    categories=("direct_injection", "pii"),
    findings=(
        Finding("PI001", "heuristics", Category.DIRECT_INJECTION, Severity.HIGH, 0.92, 0, 6, "ignore"),
        Finding("PII-EMAIL", "pii", Category.PII, Severity.MEDIUM, 0.9, 10, 16, "[EMAIL]", subtype="EMAIL"),
    ),
    pii=(PiiSpan("EMAIL", 10, 16),),
    elapsed_ms=0.25,
    redacted="ignore it [EMAIL]",
)
EXPECTED = RESULT.to_dict()
RUN = RunInfo(tool_version="0.0.0")


def write(fmt: OutputFormat, path: Path, results: list[ScanResult]) -> Path:
    output = Output(path)
    sink = make_sink(fmt, output, RUN)
    sink.write_batch(results)
    sink.close()
    output.commit()
    return path


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_has_a_formatter(fmt: OutputFormat, tmp_path: Path) -> None:
    path = write(fmt, tmp_path / f"out.{fmt.value}", [RESULT])
    assert path.stat().st_size > 0


def test_jsonl_and_json_carry_the_documented_record(tmp_path: Path) -> None:
    lines = write(OutputFormat.JSONL, tmp_path / "o.jsonl", [RESULT, RESULT]).read_text().splitlines()
    assert [json.loads(line) for line in lines] == [EXPECTED, EXPECTED]
    document = json.loads(write(OutputFormat.JSON, tmp_path / "o.json", [RESULT]).read_text())
    assert document == [EXPECTED]
    assert json.loads(write(OutputFormat.JSON, tmp_path / "empty.json", []).read_text()) == []


def test_jsonl_lines_are_what_json_dumps_writes(tmp_path: Path) -> None:
    odd = ScanResult(
        id="Zoë \u2028 \"q\"", location=Location("dir/ü.jsonl", line=1), verdict=Verdict.ALLOW, score=1 / 3,
        categories=(), findings=(), pii=(), elapsed_ms=float("inf"),
    )  # fmt: skip
    written = write(OutputFormat.JSONL, tmp_path / "out.jsonl", [RESULT, odd]).read_text("utf-8")
    assert written == "".join(
        json.dumps(r.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for r in (RESULT, odd)
    )


def test_csv_has_the_same_fields(tmp_path: Path) -> None:
    text = write(OutputFormat.CSV, tmp_path / "o.csv", [RESULT]).read_text()
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert set(row) == set(EXPECTED)
    assert json.loads(row["findings"]) == EXPECTED["findings"]
    assert json.loads(row["categories"]) == EXPECTED["categories"]
    assert row["verdict"] == "block" and float(row["score"]) == EXPECTED["score"]


def test_parquet_has_the_fixed_schema_and_same_values(tmp_path: Path) -> None:
    table = pq.read_table(write(OutputFormat.PARQUET, tmp_path / "o.parquet", [RESULT]))
    assert table.schema.equals(SCHEMA, check_metadata=False)
    (row,) = table.to_pylist()
    assert row == EXPECTED


def test_empty_parquet_still_has_the_schema(tmp_path: Path) -> None:
    table = pq.read_table(write(OutputFormat.PARQUET, tmp_path / "o.parquet", []))
    assert table.num_rows == 0 and table.schema.equals(SCHEMA, check_metadata=False)


def test_table_lists_verdicts(tmp_path: Path) -> None:
    text = write(OutputFormat.TABLE, tmp_path / "o.txt", [RESULT]).read_text()
    assert "r1" in text and "block" in text and "PI001" in text


def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from tests.helpers import SHARED

    schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        pytest.skip(f"SARIF schema not found at {schema_path}")
    document = json.loads(write(OutputFormat.SARIF, tmp_path / "o.sarif", [RESULT]).read_text())
    jsonschema.validate(document, json.loads(schema_path.read_text()))
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["PI001", "PII-EMAIL"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
