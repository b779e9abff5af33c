"""Budget status read from a real ledger, as the judge reads it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sentinel_cli.health.budget import BudgetCheck
from sentinel_cli.health.model import Status
from sentinel_cli.llm.ledger import Ledger, ledger_path
from tests.health.helpers import check, context
from tests.llm.test_ledger import call


def spend(data_dir: Path, *costs: float) -> None:
    ledger = Ledger(ledger_path(data_dir))
    for cost in costs:
        ledger.record(call(time.time(), cost))
    ledger.close()


def budget_context(tmp_path: Path, **settings: Any) -> Any:
    return context(tmp_path, llm="uncertain", budget_daily_usd=10.0, **settings)


def test_no_budgets_is_skipped(tmp_path: Path) -> None:
    result = check(BudgetCheck(), context(tmp_path, llm="always"))
    assert result.outcome.skipped and "no budgets set" in result.outcome.message


def test_no_ledger_yet_is_nothing_spent(tmp_path: Path) -> None:
    result = check(BudgetCheck(), budget_context(tmp_path))
    assert result.status is Status.HEALTHY and result.outcome.message == "daily $0.00 of $10.00 (0%)"
    assert not (tmp_path / "data").exists()


def test_spend_under_the_warning_mark(tmp_path: Path) -> None:
    spend(tmp_path / "data", 2.0, 1.5)
    result = check(BudgetCheck(), budget_context(tmp_path, budget_monthly_usd=100.0))
    assert result.status is Status.HEALTHY
    assert result.outcome.details["budgets"] == [
        {"period": "daily", "limit_usd": 10.0, "spent_usd": 3.5, "used_percent": 35.0, "state": "ok"},
        {"period": "monthly", "limit_usd": 100.0, "spent_usd": 3.5, "used_percent": 3.5, "state": "ok"},
    ]


def test_over_eighty_percent_is_degraded(tmp_path: Path) -> None:
    spend(tmp_path / "data", 8.5)
    result = check(BudgetCheck(), budget_context(tmp_path))
    assert result.status is Status.DEGRADED and "over 80% of a budget" in result.outcome.message
    assert result.outcome.remedy


@pytest.mark.parametrize(("action", "status"), [("fail", Status.UNHEALTHY), ("skip", Status.DEGRADED)])
def test_spent_budget_depends_on_what_happens_next(tmp_path: Path, action: str, status: Status) -> None:
    spend(tmp_path / "data", 6.0, 5.0)
    result = check(BudgetCheck(), budget_context(tmp_path, budget_exceeded=action))
    assert result.status is status and result.outcome.message.startswith("daily budget spent")
    assert result.outcome.details["on_exceeded"] == action
    if action == "fail":
        assert "exit 3" in (result.outcome.remedy or "")


def test_unreadable_ledger_is_unhealthy(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    ledger_path(tmp_path / "data").write_bytes(b"garbage" * 1000)
    result = check(BudgetCheck(), budget_context(tmp_path))
    assert result.status is Status.UNHEALTHY and "cannot open the cost ledger" in result.outcome.message
