"""ruff and mypy gate every change, in CI as in tox."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_is_clean() -> None:
    if shutil.which("ruff") is None and _run("ruff", "--version").returncode != 0:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    done = _run("ruff", "check", "sentinel_cli", "tests", "scripts")
    assert done.returncode == 0, done.stdout + done.stderr
    formatted = _run("ruff", "format", "--check", "sentinel_cli", "tests", "scripts")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_mypy_strict_is_clean() -> None:
    if _run("mypy", "--version").returncode != 0:
        pytest.skip("mypy is not installed (pip install '.[test]')")
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
