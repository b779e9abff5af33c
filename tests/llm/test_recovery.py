"""A corrupt or stuck-locked cache or cost ledger is detected, moved aside and rebuilt, with a
warning; the run goes on."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentinel_cli.llm import cache as cache_module
from sentinel_cli.llm.cache import JudgeCache, cache_paths
from sentinel_cli.llm.events import LlmCallRecord
from sentinel_cli.llm.ledger import Ledger
from sentinel_cli.llm.prompt import JudgeReply
from tests.cli.test_scan_llm import PROMPTS, env_for
from tests.fake_llm_api import FakeLlmApi
from tests.helpers import run_cli

GARBAGE = b"this is not an SQLite database at all\x00\xff" * 50
CALL = LlmCallRecord(provider="anthropic", model="m", job="j", timestamp=1.0, latency_s=0.1, cost_usd=0.5)
REPLY = JudgeReply.model_validate({"label": "benign", "category": "benign", "confidence": 0.9, "reason": "r"})


def _aside(directory: Path, name: str) -> list[Path]:
    return sorted(directory.glob(f"{name}.broken-*"))


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    """``hold(path)``: another connection takes the write lock of an SQLite file and keeps it."""
    held: list[sqlite3.Connection] = []

    def hold(path: Path) -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        held.append(other)

    yield hold
    for connection in held:
        connection.rollback()
        connection.close()


def _real_ledger(path: Path) -> None:
    ledger = Ledger(path)
    ledger.record(CALL)
    ledger.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed header"])
def test_a_corrupt_ledger_is_moved_aside_and_rebuilt(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "ledger.sqlite3"
    _real_ledger(path)
    data = path.read_bytes()
    broken = {
        "garbage": GARBAGE,
        "truncated": data[: len(data) // 2],
        "zeroed header": b"\x00" * 100 + data[100:],
    }[damage]
    path.write_bytes(broken)
    warnings: list[str] = []
    ledger = Ledger(path, warn=warnings.append)
    try:
        ledger.record(CALL)
        assert ledger.spend_since({"daily": 0.0}) == {"daily": 0.5}  # a new, working ledger
    finally:
        ledger.close()
    (aside,) = _aside(tmp_path, "ledger.sqlite3")
    assert aside.read_bytes() == broken  # kept for inspection, never deleted
    (warning,) = warnings
    assert warning.startswith(f"cost ledger {path} was corrupt (")
    assert f"the old one is kept as {aside}" in warning and "budgets count from zero" in warning


def test_a_ledger_locked_past_the_busy_timeout_is_moved_aside(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_lock: callable,  # type: ignore[valid-type]
) -> None:
    path = tmp_path / "ledger.sqlite3"
    _real_ledger(path)
    held_lock(path)
    warnings: list[str] = []
    ledger = Ledger(path, warn=warnings.append, timeout=0.2)
    try:
        ledger.record(CALL)
    finally:
        ledger.close()
    assert "was locked by another process for too long" in warnings[0]
    assert _aside(tmp_path, "ledger.sqlite3")


def test_a_ledger_that_cannot_be_created_is_still_a_clear_failure(tmp_path: Path) -> None:
    """Moving aside fixes broken files, not a place nobody may write to."""
    from sentinel_cli.errors import RuntimeFailure

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(RuntimeFailure, match="cannot open the cost ledger"):
        Ledger(blocker / "ledger.sqlite3")


def _cache(tmp_path: Path, warnings: list[str]) -> JudgeCache:
    return JudgeCache(tmp_path / "cache", ttl=60, size_limit_bytes=1 << 20, warn=warnings.append)


def test_a_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    first = _cache(tmp_path, [])
    first.put("anthropic", "m", "d1", REPLY, 0.1)
    first.close()
    data, _ = cache_paths(tmp_path / "cache")
    (data / "cache.db").write_bytes(GARBAGE)
    warnings: list[str] = []
    cache = _cache(tmp_path, warnings)
    assert cache.get("anthropic", "m", "d1") is None  # a new, empty cache...
    cache.put("anthropic", "m", "d2", REPLY, 0.1)
    assert cache.get("anthropic", "m", "d2") is not None  # ...that works
    cache.close()
    (aside,) = _aside(tmp_path / "cache", "llm")
    assert (aside / "cache.db").read_bytes() == GARBAGE
    assert warnings == [
        f"LLM cache {data} was corrupt (file is not a database): started a new one; "
        f"the old one is kept as {aside} (earlier answers are asked again)"
    ]


def test_a_cache_locked_past_its_timeout_is_moved_aside(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_lock: callable,  # type: ignore[valid-type]
) -> None:
    monkeypatch.setattr(cache_module, "LOCK_TIMEOUT_S", 0.2)
    _cache(tmp_path, []).close()
    data, _ = cache_paths(tmp_path / "cache")
    held_lock(data / "cache.db")
    warnings: list[str] = []
    cache = _cache(tmp_path, warnings)
    cache.put("anthropic", "m", "d", REPLY, 0.1)
    assert cache.get("anthropic", "m", "d") is not None
    cache.close()
    assert "was locked by another process for too long" in warnings[0]


def test_a_cache_that_fails_during_the_run_is_given_up_once(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = _cache(tmp_path, warnings)

    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    cache._cache.get = broken  # type: ignore[method-assign]
    cache._cache.set = broken  # type: ignore[method-assign]
    assert cache.get("anthropic", "m", "d") is None
    cache.put("anthropic", "m", "d", REPLY, 0.1)
    assert cache.get("anthropic", "m", "d") is None
    stats = cache.close()
    assert stats.entries == 0
    assert warnings == [
        "LLM cache failed during the run (DatabaseError: database disk image is malformed); "
        "going on without it"
    ]


def test_scan_costs_and_cache_stats_go_on_over_a_corrupt_ledger_and_cache(
    fake_llm: FakeLlmApi, tmp_path: Path
) -> None:
    env = env_for(fake_llm, tmp_path)
    log = tmp_path / "run.log"
    assert run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env).returncode == 1  # fills both
    ledger = tmp_path / "data" / "ledger.sqlite3"
    cache_db = tmp_path / "cache" / "llm" / "cache.db"
    ledger.write_bytes(GARBAGE)
    cache_db.write_bytes(GARBAGE)
    done = run_cli(
        "scan", "-", "--llm", "always", "--log-format", "json", "--log-file", str(log), input=PROMPTS, env=env
    )
    stderr = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in stderr
    assert len(done.stdout.splitlines()) == 2
    assert f"sentinel: warning: cost ledger {ledger} was corrupt" in stderr
    assert f"sentinel: warning: LLM cache {cache_db.parent} was corrupt" in stderr
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert len([e for e in logged if e.get("event") == "llm.storage"]) == 2
    assert len(fake_llm.calls()) == 4  # the new cache knew no answer
    (tmp_path / "data" / "ledger.sqlite3").write_bytes(GARBAGE)
    costs = run_cli("costs", env=env)
    assert costs.returncode == 0 and "cost ledger" in costs.stderr.decode()
    (tmp_path / "cache" / "llm" / "cache.db").write_bytes(GARBAGE)
    stats = run_cli("cache", "stats", env=env)
    assert stats.returncode == 0 and "LLM cache" in stats.stderr.decode()
