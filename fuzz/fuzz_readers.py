"""Coverage-guided fuzzing of the input readers (atheris). See the README, "Fuzzing".

    pip install '.[fuzz]'
    python fuzz/fuzz_readers.py fuzz/corpus/readers -max_total_time=600

The first byte of each input picks the reader, the rest is the file. A reader may
yield prompts and bad records or raise ``InputError``; anything else, or a prompt
that could not be written out (text that is not valid Unicode, a position before
the start), is a bug and atheris stops with the input that caused it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READERS = (
    "lines", "text", "jsonl", "json", "csv", "tsv", "parquet",
    "strings:json", "strings:yaml", "strings:toml", "strings:python", "strings:javascript",
)  # fmt: skip
_MEMORY_DIR = "/dev/shm" if Path("/dev/shm").is_dir() else None  # no disk writes per input
_SCRATCH = Path(tempfile.mkdtemp(prefix="sentinel-fuzz-", dir=_MEMORY_DIR))


def test_one_input(data: bytes) -> None:
    from sentinel_cli.errors import InputError
    from sentinel_cli.model import Prompt
    from sentinel_cli.sources.base import BadRecord
    from sentinel_cli.sources.factory import open_source
    from sentinel_cli.sources.records import FieldMapper

    if not data:
        return
    fmt = READERS[data[0] % len(READERS)]
    path = _SCRATCH / "input"
    path.write_bytes(data[1:])
    try:
        with open_source(str(path), input_format=fmt, mapper=FieldMapper(None, None), notes=[]) as source:
            items = list(source)
    except InputError:
        return
    for item in items:
        if isinstance(item, BadRecord):
            assert item.error.line is None or item.error.line >= 1
            continue
        assert isinstance(item, Prompt)
        item.text.encode("utf-8")
        item.id.encode("utf-8")
        assert item.location.line is None or item.location.line >= 1


def main() -> None:
    import atheris

    from sentinel_cli.sources.csv_ import CsvSource
    from sentinel_cli.sources.extract.source import StringsSource
    from sentinel_cli.sources.json_ import JsonSource
    from sentinel_cli.sources.jsonl import JsonLinesSource
    from sentinel_cli.sources.parquet import ParquetSource

    del CsvSource, StringsSource, JsonSource, JsonLinesSource, ParquetSource
    atheris.instrument_all()  # coverage feedback from every module loaded so far
    corpus = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if corpus is not None and not Path(corpus).exists():
        Path(corpus).mkdir(parents=True, exist_ok=True)  # libFuzzer wants its corpus directory
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
