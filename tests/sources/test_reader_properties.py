"""Property-based tests of every input reader (hypothesis).

Two kinds of property: what a reader is given in its format comes back exactly
(texts, ids, line numbers), whatever the encoding, line endings or compression;
and any bytes at all give prompts and bad records with positions inside the
input, or one ``InputError``, never another exception.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentinel_cli.errors import InputError
from sentinel_cli.model import Prompt, valid_unicode
from sentinel_cli.sources.base import BadRecord
from sentinel_cli.sources.factory import FORMATS, STRING_FORMATS, open_source
from sentinel_cli.sources.records import FieldMapper
from sentinel_cli.sources.stream import iter_text_lines, open_input

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text a line can hold: every code point except the line feed and carriage return
# (other separators such as U+2028 and U+0085 are not line breaks for the readers).
LINE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\r"), max_size=40)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-32")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def read(path: Path, fmt: str, data: bytes, text_field: str | None = None) -> list[Prompt | BadRecord]:
    path.write_bytes(data)
    with open_source(str(path), input_format=fmt, mapper=FieldMapper(text_field, "id")) as source:
        return list(source)


def only_prompts(items: list[Prompt | BadRecord]) -> list[Prompt]:
    assert all(isinstance(item, Prompt) for item in items), items
    return [item for item in items if isinstance(item, Prompt)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x00\x00ab\n".encode("utf-16"), ["\x00\x00ab\n"]),  # not UTF-32 after the BOM
        ("\x00\n".encode("utf-16"), ["\x00\n"]),  # six bytes: not whole UTF-32 units
        ("ab\n".encode("utf-32"), ["ab\n"]),
        (codecs.BOM_UTF32_LE, []),  # an empty UTF-32 file
    ],
)
def test_a_utf16_text_opening_with_nul(workdir: Path, data: bytes, expected: list[str]) -> None:
    path = workdir / "wide.txt"
    path.write_bytes(data)
    raw = open_input(str(path))
    try:
        assert [text for _, text in iter_text_lines(raw)] == expected
    finally:
        raw.close()


@FAST
@given(
    lines=st.lists(LINE, max_size=12),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    compress=st.booleans(),
)
def test_lines_come_back_with_their_line_numbers(
    workdir: Path, lines: list[str], encoding: str, newline: str, final: bool, compress: bool
) -> None:
    text = newline.join(lines) + (newline if final and lines else "")
    if encoding == "utf-16" and text.startswith("\x00"):
        # Byte for byte a UTF-32 BOM (FF FE 00 00): no reader can tell such a text from
        # UTF-32 when what follows also reads as UTF-32 (test_a_utf16_text_opening_with_nul).
        text = "x" + text
        lines = ["x" + lines[0], *lines[1:]]
    data = encode(text, encoding)
    data = gzip.compress(data, mtime=0) if compress else data
    got = only_prompts(read(workdir / "in.txt", "lines", data))
    expected = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    assert [(p.location.line, p.text) for p in got] == expected
    assert [p.location.row for p in got] == list(range(1, len(expected) + 1))


@FAST
@given(text=TEXT, encoding=st.sampled_from(ENCODINGS), compress=st.booleans())
def test_a_text_document_is_one_prompt_unchanged(
    workdir: Path, text: str, encoding: str, compress: bool
) -> None:
    data = encode(text, encoding)
    data = gzip.compress(data, mtime=0) if compress else data
    got = only_prompts(read(workdir / "doc.md", "text", data))
    assert [p.text for p in got] == ([text] if text.strip() else [])


RECORD = st.one_of(
    TEXT,
    st.fixed_dictionaries({"prompt": TEXT}, optional={"id": st.text(max_size=8), "other": st.integers()}),
)


@FAST
@given(texts=st.lists(st.text(max_size=20), max_size=6))
def test_lone_surrogates_from_json_escapes_become_replacement_characters(
    workdir: Path, texts: list[str]
) -> None:
    body = "".join(json.dumps({"prompt": t, "id": t}) + "\n" for t in texts)  # "\\ud800" escapes
    got = only_prompts(read(workdir / "sur.jsonl", "jsonl", body.encode()))
    assert [p.text for p in got] == [valid_unicode(t) for t in texts]
    for prompt, text in zip(got, texts, strict=True):
        assert len(prompt.text) == len(text)  # one for one: offsets hold
        prompt.text.encode("utf-8")
        prompt.id.encode("utf-8")


@FAST
@given(records=st.lists(RECORD, max_size=10), ascii_only=st.booleans(), encoding=st.sampled_from(ENCODINGS))
def test_json_lines_round_trip(
    workdir: Path, records: list[str | dict[str, object]], ascii_only: bool, encoding: str
) -> None:
    body = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records)
    got = only_prompts(read(workdir / "in.jsonl", "jsonl", encode(body, encoding)))
    assert [p.text for p in got] == [r if isinstance(r, str) else r["prompt"] for r in records]
    assert [p.location.line for p in got] == list(range(1, len(records) + 1))
    for prompt, record in zip(got, records, strict=True):
        if isinstance(record, dict) and record.get("id"):
            assert prompt.id == record["id"]


@FAST
@given(records=st.lists(RECORD, max_size=8), indent=st.sampled_from([None, 0, 2]))
def test_a_json_array_round_trips(
    workdir: Path, records: list[str | dict[str, object]], indent: int | None
) -> None:
    got = only_prompts(read(workdir / "in.json", "json", json.dumps(records, indent=indent).encode()))
    assert [p.text for p in got] == [r if isinstance(r, str) else r["prompt"] for r in records]
    assert [p.location.row for p in got] == list(range(1, len(records) + 1))


@FAST
@given(
    rows=st.lists(st.tuples(st.text(max_size=6), TEXT), max_size=8),
    delimiter=st.sampled_from([",", "\t"]),
    encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16")),
)
def test_csv_round_trips_with_the_line_each_record_starts_on(
    workdir: Path, rows: list[tuple[str, str]], delimiter: str, encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)  # "\r\n": a lone "\r" in a field is quoted
    writer.writerow(["id", "prompt"])
    starts = []
    for row in rows:
        starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(row)
    fmt = "csv" if delimiter == "," else "tsv"
    got = only_prompts(read(workdir / f"in.{fmt}", fmt, encode(buffer.getvalue(), encoding)))
    kept = [(start, row) for start, row in zip(starts, rows, strict=True) if any(v.strip() for v in row)]
    assert [p.text for p in got] == [row[1] for _, row in kept]
    assert [p.location.line for p in got] == [start for start, _ in kept]
    assert [p.id for p in got] == [row[0] or f"{workdir / ('in.' + fmt)}:{start}" for start, row in kept]


@FAST
@given(values=st.lists(st.one_of(st.none(), TEXT), max_size=12), batch=st.integers(1, 5))
def test_parquet_round_trips_and_empty_cells_are_bad_records(
    workdir: Path, values: list[str | None], batch: int
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = workdir / "in.parquet"
    pq.write_table(pa.table({"prompt": pa.array(values, pa.string())}), path, row_group_size=4)
    with open_source(str(path), mapper=FieldMapper(None, None), batch_size=batch) as source:
        items = list(source)
    assert len(items) == len(values)
    for row, (item, value) in enumerate(zip(items, values, strict=True), start=1):
        if value is None:
            assert isinstance(item, BadRecord) and item.error.row == row
        else:
            assert isinstance(item, Prompt) and item.text == value and item.location.row == row


TOKENS = [b"{", b"}", b'"', b",", b"\n", b"[", b"]", b":", b"\\ud800", b"\\u", b"\xff", b"a", b"\x00", b"'"]


def _wrap(data: bytes, how: str) -> bytes:
    if how == "gzip":
        return gzip.compress(data, mtime=0)
    if how == "cut-gzip":
        packed = gzip.compress(data, mtime=0)
        return packed[: max(len(packed) // 2, 3)]
    if how == "bom16":
        return codecs.BOM_UTF16_LE + data
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(st.sampled_from(TOKENS)).map(b"".join),
    ),
    how=st.sampled_from(["plain", "gzip", "cut-gzip", "bom16"]),
)
@pytest.mark.parametrize("fmt", [*FORMATS, *STRING_FORMATS])
def test_any_bytes_give_prompts_bad_records_or_one_input_error(
    workdir: Path, fmt: str, data: bytes, how: str
) -> None:
    payload = _wrap(data, how)
    lines = payload.count(b"\n") + 1
    path = workdir / "any"
    try:
        items = read(path, fmt, payload)
    except InputError as exc:
        assert exc.path == str(path)
        assert exc.line is None or 1 <= exc.line <= max(lines, len(data.split(b"\n")) + 1)
        return
    for item in items:
        if isinstance(item, BadRecord):
            assert item.error.line is None or item.error.line >= 1
            assert item.error.row is None or item.error.row >= 1
        else:
            assert isinstance(item, Prompt)
            item.text.encode("utf-8")  # every output format can write it
            item.id.encode("utf-8")
            assert item.location.line is None or item.location.line >= 1
