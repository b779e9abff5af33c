"""Files sentinel keeps for itself are user-only (0600 files, 0700 directories) whatever the
umask; shared outputs (results, the metrics file) follow the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentinel_cli.private_files import open_private, private_dir
from tests.cli.test_scan_llm import PROMPTS, env_for
from tests.fake_llm_api import FakeLlmApi
from tests.helpers import run_cli


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common 022: without care, new files would be readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_cache_ledger_logs_and_audit_log_are_user_only(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    env = env_for(
        fake_llm,
        tmp_path,
        SENTINEL_CACHE_DIR=str(tmp_path / "home" / "cache" / "sentinel"),
        SENTINEL_DATA_DIR=str(tmp_path / "home" / "share" / "sentinel"),
        SENTINEL_LOG_MAX_BYTES="1024",  # rotate during the run: the new files must be private too
        SENTINEL_LOG_BACKUPS="2",
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    out, metrics = tmp_path / "out.jsonl", tmp_path / "m.prom"
    done = run_cli(
        "scan",
        "-",
        "--llm",
        "always",
        "-o",
        str(out),
        "--log-format",
        "json",
        "--log-level",
        "debug",
        "--log-file",
        str(logs / "run.log"),
        "--audit-log",
        str(logs / "audit.jsonl"),
        "--metrics-file",
        str(metrics),
        input=PROMPTS * 5,
        env=env,
    )
    assert done.returncode == 1, done.stderr.decode()
    private = [
        tmp_path / "home",
        *sorted((tmp_path / "home").rglob("*")),
        *sorted(logs.iterdir()),
    ]
    files = [p for p in private if p.is_file()]
    assert any(p.name == "ledger.sqlite3" for p in files) and any(p.name == "cache.db" for p in files)
    assert len([p for p in files if p.name.startswith("run.log")]) == 3  # the log and 2 rotated
    assert (logs / "audit.jsonl").stat().st_size > 0
    wrong = {str(p): oct(_mode(p)) for p in private if _mode(p) != (0o700 if p.is_dir() else 0o600)}
    assert not wrong, wrong
    # What is meant to be shared follows the umask.
    assert _mode(out) == 0o644 and _mode(metrics) == 0o644


@pytest.mark.usefixtures("open_umask")
def test_existing_files_and_directories_keep_their_permissions(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    log = shared / "team.log"
    log.write_text("")
    log.chmod(0o640)
    private_dir(shared / "a" / "b")
    with open_private(log) as handle:
        handle.write("line\n")
    assert _mode(shared) == 0o755 and _mode(log) == 0o640
    assert _mode(shared / "a") == 0o700 and _mode(shared / "a" / "b") == 0o700
    with open_private(shared / "new.log") as handle:
        handle.write("line\n")
    assert _mode(shared / "new.log") == 0o600


@pytest.mark.usefixtures("open_umask")
def test_the_ledger_write_ahead_log_is_user_only_too(tmp_path: Path) -> None:
    from sentinel_cli.llm.events import LlmCallRecord
    from sentinel_cli.llm.ledger import Ledger

    ledger = Ledger(tmp_path / "data" / "ledger.sqlite3")
    try:
        ledger.record(LlmCallRecord(provider="anthropic", model="m", job="j", timestamp=1.0, latency_s=0.1))
        journals = sorted((tmp_path / "data").glob("ledger.sqlite3-*"))
        assert [p.name for p in journals] == ["ledger.sqlite3-shm", "ledger.sqlite3-wal"]
        assert all(_mode(p) == 0o600 for p in journals)
    finally:
        ledger.close()
