"""Baseline files, the baseline engine stage and the gone/new diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinel_cli.ci.baseline import Baseline, BaselineFilter, Entry, diff, dump, load
from sentinel_cli.errors import UsageError


def test_filter_drops_only_known_unsuppressed_findings() -> None:
    from sentinel_cli.model import Category, Finding, Location, Prompt, Severity

    def finding(fp: str, suppressed: bool = False) -> Finding:
        return Finding("PI001", "h", Category.JAILBREAK, Severity.HIGH, 0.9, 0, 1, "x", fingerprint=fp,
                       suppressed=suppressed)  # fmt: skip

    prompt = Prompt("p", "x", Location("f"))
    stage = BaselineFilter(["a", "b"])
    kept = stage(prompt, [finding("a"), finding("b", suppressed=True), finding("c")])
    assert [f.fingerprint for f in kept] == ["b", "c"] and stage.matched == 1


def test_diff_and_load_errors(tmp_path: Path) -> None:
    entry = Entry("f1", "PI001", "a.md", 3, "high")
    gone, added = diff(Baseline(["."], {"f1": entry}), {"f2": Entry("f2", "PL001", "b.md", 1, "high")})
    assert [e.fingerprint for e in gone] == ["f1"] and [e.fingerprint for e in added] == ["f2"]
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 99, "findings": []}))
    with pytest.raises(UsageError, match="version"):
        load(path)


def test_dump_is_sorted_and_has_no_volatile_fields(tmp_path: Path) -> None:
    entries = {
        e.fingerprint: e
        for e in [Entry("f2", "PL001", "b.md", 1, "high"), Entry("f1", "PI001", "a.md", 9, "high")]
    }
    path = tmp_path / "base.json"
    dump(Baseline(["."], entries), path, "1.0")
    first = path.read_text()
    dump(Baseline(["."], dict(reversed(entries.items()))), path, "1.0")
    assert path.read_text() == first
    assert [f["file"] for f in json.loads(first)["findings"]] == ["a.md", "b.md"]
    assert load(path).entries == entries
