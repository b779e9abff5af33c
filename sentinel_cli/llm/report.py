"""The data behind ``sentinel costs``: spend by day, provider, model and job, budgets, savings.

Building the report is pure reading; rendering is the command's job.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, field
from datetime import UTC, datetime
from typing import Any

from sentinel_cli.config import Settings
from sentinel_cli.errors import UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.llm.budget import BudgetGuard
from sentinel_cli.llm.events import BudgetStatus, LlmEvents
from sentinel_cli.llm.ledger import Group, Ledger, SpendRow, ledger_path
from sentinel_cli.llm.recovery import Warn

GROUPS: tuple[Group, ...] = ("day", "provider", "model", "job")
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(value: str, now: float | None = None) -> float:
    """``7d``, ``24h``, ``30m``, ``2w`` before now, or an ISO date/time (UTC unless it says)."""
    now = time.time() if now is None else now
    match = _SPAN.match(value)
    if match:
        return now - float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--since {value!r}: give a span like 7d, 24h, 30m or a date like 2026-11-01"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@frozen
class CostReport:
    since: float
    until: float
    job: str | None
    groups: dict[str, list[SpendRow]] = field(default_factory=dict)
    total: SpendRow = field(default_factory=lambda: SpendRow("total", 0, 0, 0, 0, 0, 0.0, 0.0, 0))
    budgets: list[BudgetStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "until": _iso(self.until),
            "job": self.job,
            "total": _row(self.total),
            **{f"by_{group}": [_row(r) for r in rows] for group, rows in self.groups.items()},
            "budgets": [
                {
                    "period": b.period,
                    "limit_usd": b.limit_usd,
                    "spent_usd": round(b.spent_usd, 6),
                    "used_percent": round(b.used_percent, 1),
                    "state": b.state,
                }
                for b in self.budgets
            ],
            "cache_savings": {"hits": self.total.cache_hits, "saved_usd": round(self.total.saved_usd, 6)},
        }


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _row(row: SpendRow) -> dict[str, Any]:
    data = asdict(row)
    data["cost_usd"] = round(row.cost_usd, 6)
    data["saved_usd"] = round(row.saved_usd, 6)
    return data


def _total(rows: list[SpendRow]) -> SpendRow:
    return SpendRow(
        "total",
        sum(r.calls for r in rows),
        sum(r.cache_hits for r in rows),
        sum(r.errors for r in rows),
        sum(r.input_tokens for r in rows),
        sum(r.output_tokens for r in rows),
        sum(r.cost_usd for r in rows),
        sum(r.saved_usd for r in rows),
        sum(r.unpriced for r in rows),
    )


def build_report(
    settings: Settings, since: float, job: str | None = None, warn: Warn | None = None
) -> CostReport:
    path = ledger_path(settings.data_dir)
    now = time.time()
    if not path.exists():
        return CostReport(since=since, until=now, job=job, groups={g: [] for g in GROUPS})
    ledger = Ledger(path, warn=warn)
    try:
        groups: dict[str, list[SpendRow]] = {g: ledger.grouped(g, since, job) for g in GROUPS}
        guard = BudgetGuard(
            {
                "hourly": settings.budget_hourly_usd,
                "daily": settings.budget_daily_usd,
                "monthly": settings.budget_monthly_usd,
            },
            ledger,
            LlmEvents(),
        )
        budgets = guard.statuses()
    finally:
        ledger.close()
    return CostReport(
        since=since, until=now, job=job, groups=groups, total=_total(groups["day"]), budgets=budgets
    )


CSV_COLUMNS = (
    "group",
    "key",
    "calls",
    "cache_hits",
    "errors",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "saved_usd",
    "limit_usd",
    "used_percent",
)


def csv_rows(report: CostReport) -> list[list[Any]]:
    """One flat table: a row per group key, the total, then one row per budget."""
    rows: list[list[Any]] = []
    for group, spend in [*report.groups.items(), ("total", [report.total])]:
        for r in spend:
            rows.append(
                [
                    group,
                    r.key,
                    r.calls,
                    r.cache_hits,
                    r.errors,
                    r.input_tokens,
                    r.output_tokens,
                    f"{r.cost_usd:.6f}",
                    f"{r.saved_usd:.6f}",
                    "",
                    "",
                ]
            )
    for b in report.budgets:
        rows.append(
            [
                "budget",
                b.period,
                "",
                "",
                "",
                "",
                "",
                f"{b.spent_usd:.6f}",
                "",
                b.limit_usd,
                f"{b.used_percent:.1f}",
            ]
        )
    return rows
