"""Building a check context from real settings, and running one check the way the runner does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sentinel_cli.config import load_settings
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import CheckResult
from sentinel_cli.health.runner import run_checks


def context(tmp_path: Path, timeout: float = 5.0, **settings: Any) -> Context:
    """Settings from flags-like overrides (no config file), caches and data under ``tmp_path``."""
    settings.setdefault("cache_dir", tmp_path / "cache")
    settings.setdefault("data_dir", tmp_path / "data")
    return Context(
        settings=load_settings(discover=False, cwd=tmp_path, **settings),
        config_error=None,
        config_file=None,
        timeout=timeout,
    )


def check(one: Check, ctx: Context) -> CheckResult:
    (result,) = run_checks([one], ctx).checks
    return result
