from __future__ import annotations

import os
from pathlib import Path

import pytest

from sentinel_cli.errors import UsageError
from sentinel_cli.sinks.output import Output


def test_file_appears_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous complete run\n")
    output = Output(target)
    output.text().write("new data\n")
    output.flush()
    assert target.read_text() == "previous complete run\n"
    output.commit()
    assert target.read_text() == "new data\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_discard_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    output = Output(target)
    output.text().write("partial")
    output.discard()
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_committed_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        output = Output(tmp_path / "o.txt")
        output.text().write("x")
        output.commit()
    finally:
        os.umask(old)
    assert (tmp_path / "o.txt").stat().st_mode & 0o777 == 0o644


def test_bad_destinations_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        Output(tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        Output(tmp_path / "nope" / "o.jsonl")
