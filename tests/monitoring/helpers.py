"""Generating a stack into a directory, and running the real Prometheus tools on it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sentinel_cli.monitoring.generate import generate, write_tree
from sentinel_cli.monitoring.options import MonitoringOptions
from tests.helpers import SHARED

GRAFANA_SCHEMA = SHARED / "schemas" / "grafana-dashboard-13.2.3.schema.json"


def generate_into(directory: Path, options: MonitoringOptions | None = None) -> dict[str, str]:
    files = generate(options or MonitoringOptions())
    write_tree(directory, files, force=True)
    return files


def tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run promtool or amtool; skip (with the reason) when it is not installed."""
    binary = shutil.which(name)
    if binary is None:
        package = "prometheus" if name == "promtool" else "prometheus-alertmanager"
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
