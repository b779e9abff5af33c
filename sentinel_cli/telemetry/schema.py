"""The log-line and audit-line schemas, declared once.

The JSON logs and the audit log are read by machines (Filebeat, Logstash,
Elasticsearch), so their fields are declared here, with a JSON type and an
Elasticsearch type each: tests validate real lines against ``json_schema``, and
shipping configs and index mappings are generated from the same tuples.
"""

from __future__ import annotations

from typing import Any, Literal

from sentinel_cli.frozen import frozen

JsonType = Literal["string", "number", "integer", "boolean", "array", "object"]
EsType = Literal["keyword", "text", "date", "float", "long", "boolean", "nested", "object"]


@frozen
class FieldSpec:
    name: str
    type: JsonType
    es_type: EsType
    description: str
    required: bool = False
    items: tuple[FieldSpec, ...] | JsonType | None = None
    """Arrays: the item type, or the fields of each item object."""
    nullable: bool = False


def _f(name: str, type: JsonType, es: EsType, description: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, type, es, description, **kw)


LOG_SCHEMA_ID = "sentinel.log/1"
LOG_FIELDS: tuple[FieldSpec, ...] = (
    _f("timestamp", "string", "date", "When the line was logged, ISO 8601 UTC.", required=True),
    _f("level", "string", "keyword", "debug, info, warning, error or critical.", required=True),
    _f(
        "logger",
        "string",
        "keyword",
        "Logger name: sentinel.run (the run, push, files) or sentinel.scan (inputs, prompts).",
        required=True,
    ),
    _f("message", "string", "text", "What happened, for people.", required=True),
    _f(
        "run_id",
        "string",
        "keyword",
        "Identifies the run; shared with the audit log and traces.",
        required=True,
    ),
    _f("trace_id", "string", "keyword", "OpenTelemetry trace id (32 hex) when tracing is on."),
    _f("span_id", "string", "keyword", "OpenTelemetry span id (16 hex) when tracing is on."),
    _f(
        "event",
        "string",
        "keyword",
        "Stable event name (see the README, Logs).",
    ),
    _f("command", "string", "keyword", "The sentinel command that ran."),
    _f("version", "string", "keyword", "sentinel version."),
    _f("input", "string", "keyword", "The input being read (file name or <stdin>)."),
    _f("record_id", "string", "keyword", "Record id of the prompt."),
    _f("source", "string", "keyword", "Where the prompt came from: file:line or file:row N."),
    _f("verdict", "string", "keyword", "allow, flag, redact, strip or block."),
    _f("score", "number", "float", "Risk score 0..1."),
    _f("categories", "array", "keyword", "Categories found.", items="string"),
    _f("rule_ids", "array", "keyword", "Rules that matched.", items="string"),
    _f("prompt_sha256", "string", "keyword", "SHA-256 of the prompt text (UTF-8), hex."),
    _f("prompt_length", "integer", "long", "Length of the prompt in characters."),
    _f("prompt", "string", "text", "The prompt text with PII and secrets masked: only with --log-prompts."),
    _f("batch_size", "integer", "long", "Prompts in the batch."),
    _f("scanned", "integer", "long", "Prompts scanned so far or in the run."),
    _f("verdicts", "object", "object", "Count of each verdict in the run."),
    _f("bad_records", "integer", "long", "Bad records skipped."),
    _f("elapsed_s", "number", "float", "Seconds the run or step took."),
    _f("outcome", "string", "keyword", "success or failure."),
    _f("error", "string", "text", "What went wrong."),
    _f("error_type", "string", "keyword", "Bounded error class (input, io, push, internal...)."),
    _f("url", "string", "keyword", "Pushgateway or metrics URL (never with credentials)."),
    _f("attempts", "integer", "long", "Push attempts made."),
    _f("path", "string", "keyword", "A file written (metrics file)."),
    _f("trace", "string", "keyword", "Trace exporter in use."),
)

AUDIT_SCHEMA_ID = "sentinel.audit/1"
FINDING_FIELDS: tuple[FieldSpec, ...] = (
    _f("rule_id", "string", "keyword", "Permanent rule id.", required=True),
    _f("detector", "string", "keyword", "Detector that reported it.", required=True),
    _f("category", "string", "keyword", "Finding category.", required=True),
    _f("severity", "string", "keyword", "info, low, medium, high or critical.", required=True),
    _f("confidence", "number", "float", "Confidence 0..1.", required=True),
    _f("start", "integer", "long", "Start offset (characters).", required=True),
    _f("end", "integer", "long", "End offset (characters).", required=True),
    _f("message", "integer", "long", "Chat message index (chat records).", required=True, nullable=True),
    _f("type", "string", "keyword", "Entity type for PII and secrets.", required=True, nullable=True),
)
AUDIT_FIELDS: tuple[FieldSpec, ...] = (
    _f("schema", "string", "keyword", f"Always {AUDIT_SCHEMA_ID}.", required=True),
    _f("timestamp", "string", "date", "When the verdict was given, ISO 8601 UTC.", required=True),
    _f("run_id", "string", "keyword", "Identifies the run; shared with logs and traces.", required=True),
    _f("tool_version", "string", "keyword", "sentinel version.", required=True),
    _f("verdict", "string", "keyword", "flag, redact, strip or block.", required=True),
    _f("mode", "string", "keyword", "Threshold mode the verdict was given in.", required=True),
    _f("score", "number", "float", "Risk score 0..1.", required=True),
    _f(
        "categories",
        "array",
        "keyword",
        "Categories found, most confident first.",
        required=True,
        items="string",
    ),
    _f("rule_ids", "array", "keyword", "Distinct rule ids that matched.", required=True, items="string"),
    _f(
        "findings",
        "array",
        "nested",
        "Evidence, without the matched text.",
        required=True,
        items=FINDING_FIELDS,
    ),
    _f(
        "pii_types",
        "array",
        "keyword",
        "Entity types of PII and secrets found.",
        required=True,
        items="string",
    ),
    _f("text_sha256", "string", "keyword", "SHA-256 of the prompt text (UTF-8), hex.", required=True),
    _f(
        "text_hash",
        "string",
        "keyword",
        "SHA-256 of the normalised text (NFKC, case folded, spaces collapsed): repeats share it.",
        required=True,
    ),
    _f("length", "integer", "long", "Length of the prompt in characters.", required=True),
    _f("record_id", "string", "keyword", "Record id.", required=True),
    _f("source", "string", "keyword", "file:line or file:row N.", required=True),
    _f(
        "file", "string", "keyword", "Input the record came from (<stdin> for standard input).", required=True
    ),
    _f("line", "integer", "long", "1-based line where the record starts.", required=True, nullable=True),
    _f("row", "integer", "long", "1-based record number in the file.", required=True, nullable=True),
    _f("trace_id", "string", "keyword", "OpenTelemetry trace id when tracing is on."),
)


def _property(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": [spec.type, "null"] if spec.nullable else spec.type}
    schema["description"] = spec.description
    if spec.type == "array":
        if isinstance(spec.items, tuple):
            schema["items"] = _object(spec.items)
        elif spec.items is not None:
            schema["items"] = {"type": spec.items}
    return schema


def _object(fields: tuple[FieldSpec, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {spec.name: _property(spec) for spec in fields},
        "required": [spec.name for spec in fields if spec.required],
        "additionalProperties": False,
    }


def json_schema(fields: tuple[FieldSpec, ...], schema_id: str) -> dict[str, Any]:
    """A JSON Schema (2020-12) for one line: only declared fields are allowed."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, **_object(fields)}
