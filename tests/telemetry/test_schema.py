"""The declared log and audit schemas: valid JSON Schema, strict, and documented in the README."""

from __future__ import annotations

import jsonschema
import pytest

from sentinel_cli.telemetry.catalog import METRICS
from sentinel_cli.telemetry.schema import (
    AUDIT_FIELDS,
    AUDIT_SCHEMA_ID,
    FINDING_FIELDS,
    LOG_FIELDS,
    LOG_SCHEMA_ID,
    FieldSpec,
    json_schema,
)
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    ("fields", "schema_id"), [(LOG_FIELDS, LOG_SCHEMA_ID), (AUDIT_FIELDS, AUDIT_SCHEMA_ID)]
)
def test_schemas_are_valid_and_reject_undeclared_fields(
    fields: tuple[FieldSpec, ...], schema_id: str
) -> None:
    schema = json_schema(fields, schema_id)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    minimal = {spec.name: _example(spec.type) for spec in fields if spec.required}
    validator.validate(minimal)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**minimal, "undeclared": 1})
    if minimal:
        first = next(iter(minimal))
        with pytest.raises(jsonschema.ValidationError):
            validator.validate({k: v for k, v in minimal.items() if k != first})


def _example(kind: str) -> object:
    return {"string": "x", "number": 0.5, "integer": 1, "boolean": True, "array": [], "object": {}}[kind]


def test_every_field_and_metric_is_in_the_readme() -> None:
    for spec in (*LOG_FIELDS, *AUDIT_FIELDS, *FINDING_FIELDS):
        assert f"| `{spec.name}` |" in README, spec.name
    for metric in METRICS:
        assert f"| `{metric.name}` | {metric.kind} |" in README, metric.name
