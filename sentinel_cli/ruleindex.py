"""The built-in rule packs, pre-read: ``sentinel_cli/rules/index.json``.

Parsing ~100 KB of TOML with ``tomllib`` (pure Python), loosening every
pattern and working out its literal prefilter costs more than the rest of a
one-prompt scan, so ``scripts/build_rule_index.py`` does it once and ships the
result. The index never decides anything on its own:

- a pack is read from the index only when the SHA-256 of its TOML file is the
  one recorded, otherwise from the TOML itself (the test suite fails until the
  index is rebuilt, so a release never ships a stale one);
- pattern hints (``PatternHint``) are a pure function of the pattern text, so a
  pattern missing from the index, such as a user's rule, is worked out when
  first needed.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from sentinel_cli.frozen import frozen

if TYPE_CHECKING:
    from sentinel_cli.prefilter import Cnf

INDEX_NAME = "index.json"
FORMAT = 1


@frozen
class PatternHint:
    """What the rule matcher needs besides the pattern: its prefilter and its loose form."""

    atoms: Cnf
    loose: str


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def work_out(source: str) -> PatternHint:
    from sentinel_cli.prefilter import required
    from sentinel_cli.regex_safety import loosen

    return PatternHint(required(source), loosen(source))


class Index:
    """The shipped index: pack data by file name (with its TOML digest) and pattern hints."""

    def __init__(self, data: dict[str, Any]) -> None:
        valid = data.get("format") == FORMAT
        self.files: dict[str, Any] = data.get("files", {}) if valid else {}
        self._patterns: dict[str, Any] = data.get("patterns", {}) if valid else {}
        self._hints: dict[str, PatternHint] = {}

    def pack(self, name: str, raw: bytes) -> dict[str, Any] | None:
        """The parsed pack, if the index holds this exact file."""
        entry = self.files.get(name)
        if entry is None or entry.get("sha256") != digest(raw):
            return None
        pack: dict[str, Any] = entry["pack"]
        return pack

    def hint(self, source: str) -> PatternHint:
        hint = self._hints.get(source)
        if hint is None:
            stored = self._patterns.get(source)
            if stored is not None:
                atoms = tuple(frozenset(clause) for clause in stored["atoms"])
                hint = PatternHint(atoms, stored["loose"])
            else:
                hint = work_out(source)
            self._hints[source] = hint
        return hint


@cache
def shipped() -> Index:
    """The index in the installed package (empty when missing or unreadable)."""
    try:
        text = resources.files("sentinel_cli.rules").joinpath(INDEX_NAME).read_text("utf-8")
        return Index(json.loads(text))
    except (OSError, ValueError):
        return Index({})


def pattern_hint(source: str) -> PatternHint:
    return shipped().hint(source)


def build(files: dict[str, bytes], sources: list[str], packs: dict[str, Any]) -> dict[str, Any]:
    """The index document for the given TOML files (``scripts/build_rule_index.py``)."""
    patterns = {}
    for source in sorted(set(sources)):
        hint = work_out(source)
        patterns[source] = {"atoms": [sorted(clause) for clause in hint.atoms], "loose": hint.loose}
    return {
        "format": FORMAT,
        "files": {name: {"sha256": digest(raw), "pack": packs[name]} for name, raw in sorted(files.items())},
        "patterns": patterns,
    }
