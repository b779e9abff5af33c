"""docs/reliability.md names a test for every case; each one it names must exist."""

from __future__ import annotations

import re

from tests.helpers import ROOT

NODE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(\[[^`]*\])?`")


def test_every_test_the_reliability_table_names_exists() -> None:
    text = (ROOT / "docs" / "reliability.md").read_text()
    nodes = NODE.findall(text)
    assert len(nodes) > 60
    missing = [
        f"{path}::{name}"
        for path, name, _ in nodes
        if not (ROOT / path).is_file() or f"def {name}(" not in (ROOT / path).read_text()
    ]
    assert not missing, missing
