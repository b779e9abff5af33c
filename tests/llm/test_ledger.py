from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from sentinel_cli.llm.events import LlmCallRecord
from sentinel_cli.llm.ledger import Ledger


def call(ts: float, cost: float, **kw: object) -> LlmCallRecord:
    fields: dict[str, object] = {
        "provider": "anthropic",
        "model": "claude-haiku-5-5",
        "job": "nightly",
        "timestamp": ts,
        "latency_s": 0.25,
        "input_tokens": 1000,
        "output_tokens": 100,
        "cost_usd": cost,
    }
    fields.update(kw)
    return LlmCallRecord(**fields)  # type: ignore[arg-type]


def test_spend_since_each_period_start(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3")
    ledger.record(call(100.0, 1.0))
    ledger.record(call(200.0, 2.0))
    ledger.record(call(300.0, 4.0))
    assert ledger.spend_since({"hourly": 250.0, "daily": 150.0, "monthly": 0.0}) == {
        "hourly": 4.0,
        "daily": 6.0,
        "monthly": 7.0,
    }


def test_grouping_by_day_provider_model_and_job(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3")
    day = 86400.0 * 20_000  # 2024-10-04 UTC
    ledger.record(call(day + 10, 0.5))
    ledger.record(call(day + 20, 0.0, cached=True, saved_usd=0.5, input_tokens=0, output_tokens=0))
    ledger.record(call(day + 86400, 0.25, provider="openai", model="gpt-6-luna", job="ci"))
    ledger.record(
        call(day + 86400, 0.0, provider="openai", model="gpt-6-luna", outcome="error", error_type="server")
    )
    by_day = ledger.grouped("day", 0.0)
    assert [(r.key, r.calls, r.cache_hits, r.cost_usd, r.saved_usd) for r in by_day] == [
        ("2024-10-04", 1, 1, 0.5, 0.5),
        ("2024-10-05", 2, 0, 0.25, 0.0),
    ]
    by_model = {r.key: r for r in ledger.grouped("model", 0.0)}
    assert by_model["openai/gpt-6-luna"].errors == 1
    assert by_model["openai/gpt-6-luna"].input_tokens == 2000
    assert [r.key for r in ledger.grouped("job", 0.0)] == ["ci", "nightly"]
    assert [r.key for r in ledger.grouped("provider", day + 86400, job="ci")] == ["openai"]


def test_wal_mode_and_busy_timeout_are_set(tmp_path: Path) -> None:
    Ledger(tmp_path / "l.sqlite3").close()
    db = sqlite3.connect(tmp_path / "l.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _writer(path: str, worker: int, count: int) -> None:
    ledger = Ledger(Path(path))
    for i in range(count):
        ledger.record(call(float(worker * 1000 + i), 0.001, job=f"job{worker}"))
    ledger.close()


def test_concurrent_cron_jobs_lose_no_rows(tmp_path: Path) -> None:
    """Several processes writing at once, as overlapping cron jobs do."""
    path = str(tmp_path / "l.sqlite3")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, w, 100)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    ledger = Ledger(Path(path))
    rows = ledger.grouped("job", 0.0)
    assert [(r.key, r.calls) for r in rows] == [(f"job{w}", 100) for w in range(4)]
    assert sum(r.cost_usd for r in rows) == pytest.approx(0.4)


def test_unwritable_place_is_a_clear_runtime_failure(tmp_path: Path) -> None:
    from sentinel_cli.errors import RuntimeFailure

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RuntimeFailure, match="cost ledger"):
        Ledger(blocker / "sub" / "l.sqlite3")


def test_read_only_reads_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    writer = Ledger(path)
    writer.record(call(100.0, 1.0))
    writer.record(call(300.0, 2.0))
    writer.close()
    reader = Ledger(path, read_only=True)
    assert reader.summary() == (2, 300.0, 1)
    assert reader.spend_since({"daily": 200.0}) == {"daily": 2.0}
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader._db.execute("DELETE FROM calls")
    reader.close()


def test_read_only_never_creates_a_ledger(tmp_path: Path) -> None:
    from sentinel_cli.errors import RuntimeFailure

    with pytest.raises(RuntimeFailure, match="cannot open the cost ledger"):
        Ledger(tmp_path / "missing" / "l.sqlite3", read_only=True)
    assert not (tmp_path / "missing").exists()
    (tmp_path / "not-a-ledger.sqlite3").write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(RuntimeFailure, match="cannot open the cost ledger"):
        Ledger(tmp_path / "not-a-ledger.sqlite3", read_only=True)
