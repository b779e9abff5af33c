"""Choosing a reader: from ``--input-format``, the file name, or the first bytes of stdin."""

from __future__ import annotations

from pathlib import PurePath

from sentinel_cli.errors import UsageError
from sentinel_cli.sources.base import Source
from sentinel_cli.sources.records import FieldMapper
from sentinel_cli.sources.stream import ByteInput, open_input

FORMATS = ("lines", "text", "jsonl", "json", "csv", "tsv", "parquet")
STRING_FORMATS = ("strings:json", "strings:yaml", "strings:toml", "strings:python", "strings:javascript")
"""Readers that take every string value or literal of a file as a prompt (repository scans)."""

_EXTENSIONS: dict[str, str] = {
    ".txt": "lines",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".md": "text",
    ".markdown": "text",
    ".rst": "text",
    ".prompt": "text",
    ".yaml": "strings:yaml",
    ".yml": "strings:yaml",
    ".toml": "strings:toml",
    ".py": "strings:python",
    ".pyi": "strings:python",
    ".pyw": "strings:python",
    ".js": "strings:javascript",
    ".mjs": "strings:javascript",
    ".cjs": "strings:javascript",
    ".jsx": "strings:javascript",
    ".ts": "strings:javascript",
    ".tsx": "strings:javascript",
    ".mts": "strings:javascript",
    ".cts": "strings:javascript",
}


def format_from_name(name: str) -> str | None:
    """The format a file name implies (``x.jsonl.gz`` is JSON Lines), if any."""
    path = PurePath(name)
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def sniff_format(data: ByteInput) -> str:
    """Guess the format of unnamed input from its first bytes."""
    head = data.head(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return "lines"


def open_source(
    name: str,
    *,
    input_format: str = "auto",
    mapper: FieldMapper,
    batch_size: int = 1024,
    notes: list[str] | None = None,
) -> Source:
    """Open ``name`` (``-`` for stdin) with the reader for its format. Readers that fall
    back (a config file that does not parse is scanned as text) append to ``notes``."""
    if input_format != "auto" and input_format not in FORMATS and input_format not in STRING_FORMATS:
        raise UsageError(f"unknown input format '{input_format}' (choose from {', '.join(FORMATS)})")
    data = open_input(name)
    try:
        fmt = input_format
        if fmt == "auto":
            fmt = (None if name == "-" else format_from_name(name)) or sniff_format(data)
        return _reader(fmt, data, mapper, batch_size, notes)
    except BaseException:
        data.close()
        raise


def _reader(
    fmt: str, data: ByteInput, mapper: FieldMapper, batch_size: int, notes: list[str] | None = None
) -> Source:
    # Readers are imported on demand: a text scan never imports pyarrow.
    if fmt in STRING_FORMATS:
        from sentinel_cli.sources.extract.source import StringsSource

        return StringsSource(data, fmt.partition(":")[2], notes)
    if fmt == "lines":
        from sentinel_cli.sources.text import LinesSource

        return LinesSource(data)
    if fmt == "text":
        from sentinel_cli.sources.text import TextSource

        return TextSource(data)
    if fmt == "jsonl":
        from sentinel_cli.sources.jsonl import JsonLinesSource

        return JsonLinesSource(data, mapper)
    if fmt == "json":
        from sentinel_cli.sources.json_ import JsonSource

        return JsonSource(data, mapper)
    if fmt in ("csv", "tsv"):
        from sentinel_cli.sources.csv_ import CsvSource

        return CsvSource(data, mapper, delimiter="\t" if fmt == "tsv" else ",")
    from sentinel_cli.sources.parquet import ParquetSource

    return ParquetSource(data, mapper, batch_size=batch_size)
