"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Read settings from this TOML file instead of the nearest sentinel.toml "
        "or pyproject.toml [tool.sentinel].",
        show_default=False,
    ),
]


class FailOnChoice(StrEnum):
    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    STRIP = "strip"
    BLOCK = "block"
    NEVER = "never"


class SeverityChoice(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class OnErrorChoice(StrEnum):
    FAIL = "fail"
    SKIP = "skip"


class RedactStyleChoice(StrEnum):
    MASK = "mask"
    HASH = "hash"
    REMOVE = "remove"


class InputFormatChoice(StrEnum):
    AUTO = "auto"
    LINES = "lines"
    TEXT = "text"
    JSONL = "jsonl"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"


class LlmChoice(StrEnum):
    OFF = "off"
    UNCERTAIN = "uncertain"
    ALWAYS = "always"


class BudgetExceededChoice(StrEnum):
    SKIP = "skip"
    FAIL = "fail"


def csv_list(value: str | None) -> list[str] | None:
    """``a,b , c`` -> ``["a", "b", "c"]``; ``None`` stays ``None``."""
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


class LogFormatChoice(StrEnum):
    TEXT = "text"
    JSON = "json"


class LogLevelChoice(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class TraceChoice(StrEnum):
    OFF = "off"
    CONSOLE = "console"
    OTLP = "otlp"


class PatternFormatChoice(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
