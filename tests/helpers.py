"""Shared test helpers: running the real CLI in a subprocess, building prompts."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

from sentinel_cli.model import Location, Prompt

if TYPE_CHECKING:
    from sentinel_cli.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def cli_env(**extra: str) -> dict[str, str]:
    """A clean environment: no SENTINEL_* leaking in from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTINEL_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("COLUMNS", "200")
    env.update(extra)
    return env


def run_cli(
    *args: str,
    input: bytes | str | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m sentinel_cli`` exactly as a user would, stdin not a terminal."""
    data = input.encode() if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "sentinel_cli", *args],
        input=data if data is not None else b"",
        capture_output=True,
        cwd=cwd or ROOT,
        env=env or cli_env(),
        timeout=timeout,
        check=False,
    )


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("1", "2", "3")) -> set[str]:
    """What ``python -c code`` prints under each ``PYTHONHASHSEED`` (one item when set and
    dict order never shows through)."""
    outputs = set()
    for seed in seeds:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=cli_env(PYTHONHASHSEED=seed),
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    return outputs


def prompt(text: str, id: str = "t1") -> Prompt:
    return Prompt(id=id, text=text, location=Location("test", line=1, row=1))


def stderr_text(done: subprocess.CompletedProcess[bytes]) -> str:
    """Standard error as one string, for messages that may wrap."""
    return " ".join(done.stderr.decode().split())


def peak_scan_memory(engine: Engine, text: str) -> int:
    """The ``tracemalloc`` peak, in bytes, of scanning ``text`` as one prompt."""
    prompt = Prompt(id="p", text=text, location=Location("t", line=1))
    tracemalloc.start()
    try:
        engine.scan(prompt)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
