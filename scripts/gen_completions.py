"""Regenerate completions/ from the app: python scripts/gen_completions.py [--check]

Uses Typer's completion hook (``_SENTINEL_COMPLETE=source_<shell> sentinel``).
With ``--check`` nothing is written and the exit status is 1 when a file is stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"bash": "sentinel.bash", "zsh": "_sentinel", "fish": "sentinel.fish"}


def render(shell: str) -> str:
    env = {**os.environ, "_SENTINEL_COMPLETE": f"source_{shell}", "PYTHONPATH": str(ROOT)}
    code = "from sentinel_cli.cli.app import app; app(prog_name='sentinel')"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for shell, name in TARGETS.items():
        path = ROOT / "completions" / name
        text = render(shell)
        if check:
            if not path.exists() or path.read_text("utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        sys.stderr.write(
            "stale completions (run python scripts/gen_completions.py): " + ", ".join(stale) + "\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
