"""SARIF helpers for tests: schema validation (skipped, visibly, without the schema)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from tests.helpers import SHARED

SCHEMA_PATH = SHARED / "schemas" / "sarif-schema-2.1.0.json"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validate_sarif(document: dict[str, Any]) -> dict[str, Any]:
    """Validate against the official SARIF 2.1.0 schema; returns the document."""
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed (pip install '.[test]')"
    )
    if not SCHEMA_PATH.exists():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH}: cannot validate SARIF output")
    jsonschema.validate(document, _schema())
    return document


def load_sarif(text: str | bytes) -> dict[str, Any]:
    """Parse and validate SARIF output."""
    return validate_sarif(json.loads(text))


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["runs"][0]["results"]  # type: ignore[no-any-return]


def region(result: dict[str, Any]) -> dict[str, int] | None:
    return result["locations"][0].get("physicalLocation", {}).get("region")  # type: ignore[no-any-return]


def uri(result: dict[str, Any]) -> str:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]  # type: ignore[no-any-return]


def source_of(text: str, span: dict[str, int]) -> str:
    """The source text a single- or multi-line SARIF region covers."""
    lines = text.split("\n")
    start, end = span["startLine"], span["endLine"]
    if start == end:
        return lines[start - 1][span["startColumn"] - 1 : span["endColumn"] - 1]
    parts = [lines[start - 1][span["startColumn"] - 1 :]]
    parts += lines[start : end - 1]
    parts.append(lines[end - 1][: span["endColumn"] - 1])
    return "\n".join(parts)
