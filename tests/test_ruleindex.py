"""The shipped rule index: current, equal to the TOML it was made from, and never trusted blindly."""

from __future__ import annotations

import subprocess
import sys

from sentinel_cli.ruleindex import Index, PatternHint, pattern_hint, shipped, work_out
from sentinel_cli.rulepack import builtin_files, builtin_packs, parse_pack
from tests.helpers import ROOT, cli_env


def test_the_index_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_rule_index.py"), "--check"],
        capture_output=True,
        env=cli_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_packs_from_the_index_equal_packs_from_the_toml() -> None:
    from_toml = [
        parse_pack(raw.decode("utf-8"), detector="heuristics", where=name)
        for name, raw in builtin_files().items()
    ]
    assert builtin_packs("heuristics") == from_toml
    assert all(shipped().pack(name, raw) is not None for name, raw in builtin_files().items())


def test_a_changed_pack_is_read_from_its_toml_and_hints_are_worked_out_when_missing() -> None:
    name, raw = next(iter(builtin_files().items()))
    index = Index({"format": 1, "files": shipped().files, "patterns": {}})
    assert index.pack(name, raw + b"\n# edited\n") is None
    assert index.pack(name, raw) is not None
    hint = index.hint(r"(?i)\bproject\s+bluebird\b")
    assert hint == work_out(r"(?i)\bproject\s+bluebird\b")
    assert hint.atoms == (frozenset({"project"}), frozenset({"bluebird"})) and "bluebird" in hint.loose
    assert Index({"format": 99, "files": shipped().files}).files == {}


def test_shipped_hints_equal_worked_out_ones() -> None:
    sources = sorted(
        {s for pack in builtin_packs("heuristics") for r in (*pack.rules, *pack.signals) for s in r.sources}
    )
    for source in sources[::7]:
        assert pattern_hint(source) == work_out(source)
    assert isinstance(pattern_hint(sources[0]), PatternHint)
