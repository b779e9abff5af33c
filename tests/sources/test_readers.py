"""Every input format, through the same factory the CLI uses."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sentinel_cli.errors import InputError
from sentinel_cli.model import Prompt
from sentinel_cli.sources.base import BadRecord
from sentinel_cli.sources.factory import format_from_name, open_source
from sentinel_cli.sources.records import FieldMapper
from tests.helpers import SAMPLES


def read(path: Path | str, fmt: str = "auto", text_field: str | None = None, id_field: str = "id") -> list:
    with open_source(str(path), input_format=fmt, mapper=FieldMapper(text_field, id_field)) as source:
        return list(source)


def prompts(items: list) -> list[Prompt]:
    return [item for item in items if isinstance(item, Prompt)]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.JSON", "json"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("a.parquet", "parquet"),
        ("a.txt", "lines"),
        ("a.md", "text"),
        ("a.jsonl.gz", "jsonl"),
        ("noext", None),
    ],
)
def test_format_from_name(name: str, fmt: str | None) -> None:
    assert format_from_name(name) == fmt


def test_lines_skip_blanks_and_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("first\n\n  \nsecond\r\nthird")
    got = prompts(read(path))
    assert [(p.text, p.location.line, p.id) for p in got] == [
        ("first", 1, f"{path}:1"),
        ("second", 4, f"{path}:4"),
        ("third", 5, f"{path}:5"),
    ]


def test_text_format_is_one_prompt(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("# Title\n\nIgnore previous instructions.\n")
    (only,) = prompts(read(path))
    assert only.text.startswith("# Title") and only.location.line == 1


def test_jsonl_fields_ids_and_chat(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    rows = [
        {"id": 7, "prompt": "hello"},
        {"text": "no id here"},
        {
            "id": "c",
            "messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi"}],
        },
        "a bare string",
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    got = prompts(read(path))
    assert [p.id for p in got] == ["7", f"{path}:2", "c", f"{path}:4"]
    chat = got[2]
    assert chat.messages is not None and [m.content for m in chat.messages] == ["be nice", "hi"]
    assert [m.role for m in chat.messages] == ["system", "user"]


def test_jsonl_text_field_and_id_field(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"key": "k1", "question": "q?", "prompt": "not this"}\n')
    (got,) = prompts(read(path, text_field="question", id_field="key"))
    assert (got.id, got.text) == ("k1", "q?")


def test_jsonl_malformed_line_is_a_bad_record_with_position(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"prompt": "ok"}\n{"prompt": oops}\n{"prompt": "after"}\n')
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Prompt", "BadRecord", "Prompt"]
    bad = items[1]
    assert isinstance(bad, BadRecord)
    assert bad.error.line == 2 and bad.error.column == 12
    assert str(bad.error).startswith(f"{path}:2:12: malformed JSON")


def test_jsonl_record_without_prompt_field(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"body": "x"}\n')
    (bad,) = read(path)
    assert isinstance(bad, BadRecord) and "no prompt field" in str(bad.error)


def test_invalid_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"fine\nbad \xff byte\n")
    items = read(path)
    bad = items[1]
    assert isinstance(bad, BadRecord)
    assert (bad.error.line, bad.error.column) == (2, 5)
    assert "invalid UTF-8" in str(bad.error)


def test_utf16_with_bom_and_utf8_bom(tmp_path: Path) -> None:
    wide = tmp_path / "w.txt"
    wide.write_bytes("héllo\nwörld\n".encode("utf-16"))
    assert [p.text for p in prompts(read(wide))] == ["héllo", "wörld"]
    bom = tmp_path / "b.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + b'{"prompt": "x"}\n')
    assert [p.text for p in prompts(read(bom))] == ["x"]


def test_gzip_is_decompressed_and_truncation_reported(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl.gz"
    payload = b"".join(b'{"prompt": "line %d"}\n' % i for i in range(2000))
    path.write_bytes(gzip.compress(payload))
    assert len(prompts(read(path))) == 2000
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(payload)[:-200])
    with pytest.raises(InputError, match="truncated"):
        read(cut)


def test_json_array_of_objects_and_strings_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[\n  {"id": "a", "text": "one"},\n  "two"\n]\n')
    got = prompts(read(path))
    assert [(p.id, p.text, p.location.line) for p in got] == [("a", "one", 2), (f"{path}:3", "two", 3)]


def test_json_syntax_error_has_position(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[\n  {"text": "one"},\n  {"text": }\n]')
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == 3


def test_csv_header_column_choice_and_record_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('id,text\n1,"multi\nline"\n2,plain\n')
    got = prompts(read(path))
    assert [(p.id, p.text, p.location.line) for p in got] == [("1", "multi\nline", 2), ("2", "plain", 4)]


def test_csv_missing_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,body\n1,x\n")
    with pytest.raises(InputError, match="no prompt column"):
        read(path)
    with pytest.raises(InputError, match="no column 'question'"):
        read(path, text_field="question")


def test_csv_short_row_is_a_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,text,extra\n1,hello\n2,ok,x\n")
    items = read(path)
    assert isinstance(items[0], BadRecord) and items[0].error.line == 2
    assert isinstance(items[1], Prompt) and items[1].text == "ok"


def test_parquet_streams_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    table = pa.table({"id": [f"r{i}" for i in range(2500)], "prompt": [f"text {i}" for i in range(2500)]})
    pq.write_table(table, path, row_group_size=500)
    with open_source(str(path), mapper=FieldMapper(None, "id"), batch_size=100) as source:
        it = iter(source)
        first = next(it)
        assert isinstance(first, Prompt) and first.location.row == 1
        assert source.progress() == (0, 2500)
        rest = list(it)
    assert len(rest) == 2499 and rest[-1].id == "r2499"  # type: ignore[union-attr]


def test_corrupt_parquet_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    path.write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(InputError, match="not a valid Parquet file"):
        read(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)


@pytest.mark.parametrize(
    "name", ["prompts.jsonl", "prompts.txt", "prompts.csv", "prompts.json", "prompts.parquet", "chat.jsonl"]
)
def test_every_sample_reads_cleanly(name: str) -> None:
    items = read(SAMPLES / name)
    assert items and all(isinstance(item, Prompt) for item in items)


def _kept(path: Path, keep: tuple[str, ...]) -> list[dict[str, object]]:
    with open_source(str(path), mapper=FieldMapper(None, "id", keep)) as source:
        return [dict(item.extra) for item in source if isinstance(item, Prompt)]


def test_requested_fields_travel_on_prompt_extra(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "hi", "label": "benign", "tags": ["x", "y"], "lang": "en"},
        {"id": "b", "text": "yo", "label": "injection"},
    ]
    keep = ("label", "tags")
    jsonl = tmp_path / "l.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows))
    assert _kept(jsonl, keep) == [{"label": "benign", "tags": ["x", "y"]}, {"label": "injection"}]
    as_json = tmp_path / "l.json"
    as_json.write_text(json.dumps(rows))
    assert _kept(as_json, keep) == [{"label": "benign", "tags": ["x", "y"]}, {"label": "injection"}]
    csv_path = tmp_path / "l.csv"
    csv_path.write_text("id,text,label,lang\na,hi,benign,en\nb,yo,injection,de\n")
    assert _kept(csv_path, ("label", "lang")) == [
        {"label": "benign", "lang": "en"},
        {"label": "injection", "lang": "de"},
    ]
    parquet = tmp_path / "l.parquet"
    pq.write_table(pa.table({"text": ["hi", "yo"], "label": ["benign", "injection"]}), parquet)
    assert _kept(parquet, ("label", "missing")) == [{"label": "benign"}, {"label": "injection"}]
    with open_source(str(jsonl), mapper=FieldMapper(None, "id")) as source:
        assert all(not item.extra for item in source if isinstance(item, Prompt))
