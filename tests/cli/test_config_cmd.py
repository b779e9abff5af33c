from __future__ import annotations

import json
import tomllib
from pathlib import Path

from tests.helpers import cli_env, run_cli


def test_init_writes_a_sample_that_validates(tmp_path: Path) -> None:
    assert run_cli("config", "init", cwd=tmp_path).returncode == 0
    sample = tmp_path / "sentinel.toml"
    tomllib.loads(sample.read_text())
    assert "# mode = " in sample.read_text()
    assert run_cli("config", "validate", str(sample)).returncode == 0
    again = run_cli("config", "init", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr.decode()


def test_validate_reports_problems_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "sentinel.toml"
    bad.write_text('fail_on = "sometimes"\nbatchsize = 3\n')
    done = run_cli("config", "validate", str(bad))
    assert done.returncode == 2
    message = done.stderr.decode()
    assert "fail_on" in message and "batchsize: unknown setting" in message


def test_show_merges_sources_and_masks_secrets(tmp_path: Path) -> None:
    (tmp_path / "sentinel.toml").write_text('mode = "strict"\nredact_salt = "pepper-123"\n')
    env = cli_env(SENTINEL_FAIL_ON="flag")
    done = run_cli("config", "show", "--json", cwd=tmp_path, env=env)
    values = json.loads(done.stdout)
    assert values["mode"] == "strict" and values["fail_on"] == "flag"
    assert values["redact_salt"] == "********"
    assert "pepper-123" not in done.stdout.decode()
    toml_text = run_cli("config", "show", cwd=tmp_path, env=env).stdout.decode()
    assert 'mode = "strict"' in toml_text and "pepper-123" not in toml_text
