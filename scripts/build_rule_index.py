"""Rebuild ``sentinel_cli/rules/index.json`` from the rule packs (``--check``: fail if stale).

The index holds each built-in pack pre-read, with the SHA-256 of its TOML, and
each pattern's literal prefilter and loose form, so that a one-prompt scan does
not parse TOML or analyse patterns (``sentinel_cli/ruleindex.py``). Run it after
editing a pack; the test suite fails while the index is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentinel_cli.ruleindex import INDEX_NAME, build  # noqa: E402
from sentinel_cli.rulepack import builtin_files, read_toml  # noqa: E402

TARGET = ROOT / "sentinel_cli" / "rules" / INDEX_NAME


def render() -> str:
    files = builtin_files()
    packs = {name: read_toml(raw.decode("utf-8"), name) for name, raw in files.items()}
    sources = [
        source
        for pack in packs.values()
        for entry in (*pack.get("rules", []), *pack.get("signals", []))
        for source in entry.get("patterns", [])
    ]
    return json.dumps(build(files, sources, packs), ensure_ascii=False, indent=None, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the index is not current")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text("utf-8") if TARGET.exists() else ""
        if current != text:
            stale = TARGET.relative_to(ROOT)
            print(f"{stale} is stale: run python scripts/build_rule_index.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, "utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
