from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli import __version__
from sentinel_cli.health.config_check import ConfigCheck
from sentinel_cli.health.model import Status
from sentinel_cli.health.service import context_for
from tests.health.helpers import check


def test_valid_file_is_healthy_and_named(tmp_path: Path) -> None:
    config = tmp_path / "sentinel.toml"
    config.write_text('mode = "strict"\n')
    ctx = context_for(config, 2.0)
    result = check(ConfigCheck(), ctx)
    assert result.status is Status.HEALTHY
    assert result.outcome.message == f"valid (from {config})"
    assert result.outcome.details["file"] == str(config)
    assert result.outcome.details["sentinel_version"] == __version__


def test_discovered_file_is_the_one_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sentinel.toml").write_text('mode = "permissive"\n')
    monkeypatch.chdir(tmp_path)
    ctx = context_for(None, 2.0)
    assert ctx.settings is not None and ctx.settings.mode.value == "permissive"
    assert check(ConfigCheck(), ctx).outcome.details["file"] == str(tmp_path / "sentinel.toml")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('mode = "reckless"\n', "mode: Input should be 'strict', 'moderate' or 'permissive'"),
        ("mode = \n", "not valid TOML"),
        ("no_such_setting = 1\n", "no_such_setting: unknown setting"),
    ],
)
def test_invalid_file_is_unhealthy_with_the_reason_and_a_remedy(
    tmp_path: Path, content: str, expected: str
) -> None:
    config = tmp_path / "sentinel.toml"
    config.write_text(content)
    ctx = context_for(config, 2.0)
    assert ctx.settings is None
    result = check(ConfigCheck(), ctx)
    assert result.status is Status.UNHEALTHY
    assert expected in result.outcome.message and str(config) in result.outcome.message
    assert "sentinel config validate" in (result.outcome.remedy or "")


def test_missing_file_and_bad_variables_are_unhealthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = check(ConfigCheck(), context_for(tmp_path / "nope.toml", 2.0))
    assert missing.status is Status.UNHEALTHY and "config file not found" in missing.outcome.message
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTINEL_BATCH_SIZE", "0")
    bad_env = check(ConfigCheck(), context_for(None, 2.0))
    assert bad_env.status is Status.UNHEALTHY and "batch_size" in bad_env.outcome.message
