"""Cache and data directories, probed for real: read-only mounts (root included), files in the way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sentinel_cli.health.model import Status
from sentinel_cli.health.storage import CacheCheck, DataCheck
from sentinel_cli.llm.ledger import Ledger, ledger_path
from tests.health.helpers import check, context
from tests.llm.test_ledger import call

HUGE = 1 << 62


def test_cache_reports_size_and_free_space(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "llm").mkdir(parents=True)
    (cache / "llm" / "cache.db").write_bytes(b"x" * 3000)
    (cache / "other").write_bytes(b"y" * 96)
    result = check(CacheCheck(), context(tmp_path, llm="uncertain"))
    details = result.outcome.details
    assert result.status is Status.HEALTHY, result.outcome.message
    assert details["writable"] and details["exists"] and details["llm_cache"]
    assert details["size_bytes"] == 3096 and details["free_bytes"] > 0
    assert sorted(p.name for p in cache.iterdir()) == ["llm", "other"]  # the probe file is gone


def test_missing_cache_directory_is_fine_and_not_created(tmp_path: Path) -> None:
    result = check(CacheCheck(), context(tmp_path, cache_dir=tmp_path / "a" / "b"))
    assert result.status is Status.HEALTHY and "not created yet" in result.outcome.message
    assert not (tmp_path / "a").exists()


def test_read_only_cache_is_unhealthy_when_the_llm_cache_is_used(read_only_dir: Path, tmp_path: Path) -> None:
    result = check(CacheCheck(), context(tmp_path, cache_dir=read_only_dir, llm="always"))
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message.startswith(f"{read_only_dir} is not writable: ")
    assert result.outcome.message.endswith(("read-only file system", "permission denied"))
    assert "SENTINEL_CACHE_DIR" in (result.outcome.remedy or "")
    assert result.outcome.details["writable"] is False


def test_read_only_cache_is_degraded_when_nothing_uses_it(read_only_dir: Path, tmp_path: Path) -> None:
    for settings in ({"llm": "off"}, {"llm": "always", "llm_cache": False}):
        result = check(CacheCheck(), context(tmp_path, cache_dir=read_only_dir, **settings))
        assert result.status is Status.DEGRADED
        assert result.outcome.message.endswith("(the LLM cache is not in use)")


def test_cache_under_a_regular_file_is_unwritable_even_for_root(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = check(CacheCheck(), context(tmp_path, cache_dir=blocker / "cache", llm="always"))
    assert result.status is Status.UNHEALTHY
    assert f"{blocker} is not a directory" in result.outcome.message


def test_low_free_space_thresholds(tmp_path: Path) -> None:
    ctx = context(tmp_path, llm="always")
    low = check(CacheCheck(degraded_free=HUGE), ctx)
    assert low.status is Status.DEGRADED and "MiB free: below" in low.outcome.message
    full = check(CacheCheck(unhealthy_free=HUGE, degraded_free=HUGE), ctx)
    assert full.status is Status.UNHEALTHY and full.outcome.remedy


def _ledger_with_two_calls(directory: Path) -> None:
    ledger = Ledger(ledger_path(directory))
    ledger.record(call(1_700_000_000.0, 0.5))
    ledger.record(call(1_700_000_100.0, 0.25))
    ledger.close()


def test_data_directory_with_a_ledger(tmp_path: Path) -> None:
    _ledger_with_two_calls(tmp_path / "data")
    result = check(DataCheck(), context(tmp_path, llm="always"))
    details = result.outcome.details
    assert result.status is Status.HEALTHY, result.outcome.message
    assert details["ledger_rows"] == 2 and details["last_call"] == "2023-11-14T22:15:00+00:00"
    assert details["ledger_bytes"] > 0 and details["writable"]
    assert "cost ledger 2 row(s)" in result.outcome.message


def test_no_ledger_yet_is_healthy_and_nothing_is_created(tmp_path: Path) -> None:
    result = check(DataCheck(), context(tmp_path, llm="always"))
    assert result.status is Status.HEALTHY and "no cost ledger yet" in result.outcome.message
    assert not (tmp_path / "data").exists()


def test_corrupt_ledger_is_unhealthy_for_the_judge_and_degraded_without_it(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    ledger_path(tmp_path / "data").write_bytes(b"not a database at all " * 200)
    on = check(DataCheck(), context(tmp_path, llm="uncertain"))
    assert on.status is Status.UNHEALTHY and on.outcome.message.startswith("cost ledger unreadable")
    assert "move away" in (on.outcome.remedy or "")
    off = check(DataCheck(), context(tmp_path))
    assert off.status is Status.DEGRADED and off.outcome.message.endswith("(the LLM judge is off)")


def test_read_only_data_directory_still_reads_the_ledger(
    make_read_only: Callable[..., Path], tmp_path: Path
) -> None:
    data = make_read_only(_ledger_with_two_calls)
    result = check(DataCheck(), context(tmp_path, data_dir=data, llm="always"))
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message.startswith(f"{data} is not writable")
    assert result.outcome.details["ledger_rows"] == 2
