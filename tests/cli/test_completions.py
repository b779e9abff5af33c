from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import ROOT, cli_env


def test_completion_scripts_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_completions.py"), "--check"],
        capture_output=True,
        env=cli_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_bash_completion_offers_commands_and_options() -> None:
    env = cli_env(_SENTINEL_COMPLETE="complete_bash", COMP_WORDS="sentinel sc", COMP_CWORD="1")
    code = "from sentinel_cli.cli.app import app; app(prog_name='sentinel')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    assert "scan" in done.stdout.decode().split()
    env.update(COMP_WORDS="sentinel scan --fail", COMP_CWORD="2")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    assert "--fail-on" in done.stdout.decode().split()
    assert os.path.exists(ROOT / "completions" / "sentinel.bash")
