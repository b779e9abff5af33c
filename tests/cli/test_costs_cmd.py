"""``sentinel costs`` over a ledger filled by real judged scans and by direct records."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from sentinel_cli.llm.events import LlmCallRecord
from sentinel_cli.llm.ledger import Ledger
from tests.cli.test_scan_llm import PROMPTS, env_for
from tests.fake_llm_api import FakeLlmApi
from tests.helpers import cli_env, run_cli

DAY = 86400.0


def fill(data_dir: Path) -> None:
    now = time.time()
    ledger = Ledger(data_dir / "ledger.sqlite3")
    rows = [
        (now - 10 * DAY, "anthropic", "claude-haiku-5-5", "old", 5.0, False, 0.0),
        (now - 2 * DAY, "anthropic", "claude-haiku-5-5", "nightly", 0.50, False, 0.0),
        (now - 1 * DAY, "openai", "gpt-6-luna", "ci", 0.25, False, 0.0),
        (now - 60, "anthropic", "claude-haiku-5-5", "nightly", 0.0, True, 0.50),
    ]
    for ts, provider, model, job, cost, cached, saved in rows:
        ledger.record(
            LlmCallRecord(
                provider,
                model,
                job,
                ts,
                0.2,
                input_tokens=0 if cached else 1000,
                output_tokens=0 if cached else 100,
                cost_usd=cost,
                cached=cached,
                saved_usd=saved,
            )
        )
    ledger.close()


def test_json_report_by_day_provider_model_job_with_budgets_and_savings(tmp_path: Path) -> None:
    fill(tmp_path)
    env = cli_env(
        SENTINEL_DATA_DIR=str(tmp_path), SENTINEL_BUDGET_MONTHLY_USD="100", SENTINEL_BUDGET_DAILY_USD="1"
    )
    done = run_cli("costs", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["total"]["cost_usd"] == pytest.approx(0.75)  # the 10-day-old call is outside 7d
    assert report["total"]["calls"] == 2 and report["total"]["cache_hits"] == 1
    assert {r["key"]: r["cost_usd"] for r in report["by_provider"]} == {"anthropic": 0.5, "openai": 0.25}
    assert {r["key"] for r in report["by_model"]} == {"anthropic/claude-haiku-5-5", "openai/gpt-6-luna"}
    assert {r["key"] for r in report["by_job"]} == {"ci", "nightly"}
    assert len(report["by_day"]) >= 2
    assert report["cache_savings"] == {"hits": 1, "saved_usd": 0.5}
    periods = {b["period"]: b for b in report["budgets"]}
    assert set(periods) == {"daily", "monthly"} and periods["daily"]["limit_usd"] == 1.0
    wide = json.loads(run_cli("costs", "--since", "30d", "-f", "json", env=env).stdout)
    assert wide["total"]["cost_usd"] == pytest.approx(5.75)
    ci = json.loads(run_cli("costs", "--job", "ci", "-f", "json", env=env).stdout)
    assert ci["total"]["cost_usd"] == pytest.approx(0.25)


def test_csv_and_table(tmp_path: Path) -> None:
    fill(tmp_path)
    env = cli_env(SENTINEL_DATA_DIR=str(tmp_path), SENTINEL_BUDGET_HOURLY_USD="2")
    rows = list(csv.DictReader(io.StringIO(run_cli("costs", "-f", "csv", env=env).stdout.decode())))
    groups = {row["group"] for row in rows}
    assert groups == {"day", "provider", "model", "job", "total", "budget"}
    total = next(row for row in rows if row["group"] == "total")
    assert float(total["cost_usd"]) == pytest.approx(0.75) and float(total["saved_usd"]) == pytest.approx(0.5)
    budget = next(row for row in rows if row["group"] == "budget")
    assert budget["key"] == "hourly" and float(budget["limit_usd"]) == 2.0
    table = run_cli("costs", env=env).stdout.decode()
    for word in ("by day", "by provider", "by model", "by job", "budgets", "hourly", "saved $0.5000"):
        assert word in table


def test_no_ledger_yet_is_an_empty_report(tmp_path: Path) -> None:
    env = cli_env(SENTINEL_DATA_DIR=str(tmp_path / "none"))
    report = json.loads(run_cli("costs", "-f", "json", env=env).stdout)
    assert report["total"]["calls"] == 0 and report["by_day"] == []
    assert not (tmp_path / "none").exists()


def test_bad_since_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("costs", "--since", "last tuesday", env=cli_env(SENTINEL_DATA_DIR=str(tmp_path)))
    assert done.returncode == 2 and "--since" in done.stderr.decode()


def test_costs_after_a_judged_scan(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    env = env_for(fake_llm, tmp_path, SENTINEL_LLM_JOB="hourly-scan")
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    report = json.loads(run_cli("costs", "-f", "json", env=env).stdout)
    assert [r["key"] for r in report["by_job"]] == ["hourly-scan"]
    (row,) = report["by_model"]
    assert (row["key"], row["calls"], row["cache_hits"], row["input_tokens"]) == (
        "anthropic/claude-haiku-5-5",
        2,
        2,
        2000,
    )
    assert row["cost_usd"] == pytest.approx(0.0003) and report["cache_savings"]["saved_usd"] == pytest.approx(
        0.0003
    )
