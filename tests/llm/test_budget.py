from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sentinel_cli.llm.budget import BudgetGuard, period_start
from sentinel_cli.llm.events import BudgetEvent, LlmCallRecord, LlmEvents, LlmListener
from sentinel_cli.llm.ledger import Ledger


class Collect(LlmListener):
    def __init__(self) -> None:
        self.events: list[BudgetEvent] = []

    def on_budget(self, event: BudgetEvent) -> None:
        self.events.append(event)


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_period_starts_are_utc_clock_boundaries() -> None:
    now = ts("2026-11-17T13:45:12")
    assert period_start("hourly", now) == ts("2026-11-17T13:00:00")
    assert period_start("daily", now) == ts("2026-11-17T00:00:00")
    assert period_start("monthly", now) == ts("2026-11-01T00:00:00")


def spend(ledger: Ledger, at: float, cost: float) -> None:
    ledger.record(LlmCallRecord("anthropic", "m", "j", at, 0.1, cost_usd=cost))


def test_warning_at_80_percent_then_exceeded_once_each(tmp_path: Path) -> None:
    now = [ts("2026-11-17T13:30:00")]
    ledger = Ledger(tmp_path / "l.sqlite3")
    spend(ledger, ts("2026-11-17T12:59:00"), 5.0)  # last hour: counts for the day only
    collect = Collect()
    guard = BudgetGuard({"hourly": 1.0, "daily": 10.0}, ledger, LlmEvents([collect]), clock=lambda: now[0])
    assert guard.exceeded() is None and collect.events == []
    spend(ledger, now[0], 0.8)
    guard.add(0.8)
    assert guard.exceeded() is None
    assert [(e.kind, e.status.period) for e in collect.events] == [("warning", "hourly")]
    spend(ledger, now[0], 0.3)
    guard.add(0.3)
    spent = guard.exceeded()
    assert spent is not None and spent.period == "hourly" and spent.spent_usd == 1.1
    assert guard.exceeded() is not None
    assert [(e.kind, e.status.period) for e in collect.events] == [
        ("warning", "hourly"),
        ("exceeded", "hourly"),
    ]
    # The next hour starts afresh.
    now[0] = ts("2026-11-17T14:00:01")
    assert guard.exceeded() is None


def test_spend_of_other_jobs_counts_after_a_refresh(tmp_path: Path) -> None:
    now = [ts("2026-11-17T13:30:00")]
    ledger = Ledger(tmp_path / "l.sqlite3")
    guard = BudgetGuard({"daily": 1.0}, ledger, LlmEvents(), refresh_s=2.0, clock=lambda: now[0])
    assert guard.exceeded() is None
    other = Ledger(tmp_path / "l.sqlite3")  # another cron job on the same data dir
    spend(other, now[0], 1.5)
    now[0] += 2.5
    assert guard.exceeded() is not None


def test_no_limits_means_no_checks(tmp_path: Path) -> None:
    guard = BudgetGuard({"hourly": None}, Ledger(tmp_path / "l.sqlite3"), LlmEvents())
    assert not guard.active and guard.statuses() == [] and guard.exceeded() is None
