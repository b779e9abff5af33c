"""The budget check: judge spend against the hourly, daily and monthly limits, from the ledger.

Read the way the judge reads it (``BudgetGuard`` over the ledger, opened
read-only here). At 80% of a limit the check is degraded; a spent budget is
unhealthy under ``budget_exceeded = "fail"`` (the next scan exits 3) and
degraded under ``"skip"`` (the judge is skipped and local verdicts stand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, Status, degraded, healthy, skipped, unhealthy

if TYPE_CHECKING:
    from sentinel_cli.config import Settings
    from sentinel_cli.llm.events import BudgetStatus, Period


def _limits(settings: Settings) -> dict[Period, float | None]:
    return {
        "hourly": settings.budget_hourly_usd,
        "daily": settings.budget_daily_usd,
        "monthly": settings.budget_monthly_usd,
    }


class BudgetCheck(Check):
    name = "budget"
    title = "LLM judge spend against its hourly, daily and monthly budgets"
    timeout_remedy = "the cost ledger is locked or on a slow disk; check for a stuck sentinel process"

    def needed(self, settings: Settings) -> bool:
        return settings.llm != "off" and any(v is not None for v in _limits(settings).values())

    def run(self, context: Context) -> Outcome:
        settings = context.require_settings()
        limits = {period: limit for period, limit in _limits(settings).items() if limit is not None}
        if not limits:
            return skipped("no budgets set (budget_hourly_usd, budget_daily_usd, budget_monthly_usd)")
        from sentinel_cli.llm.budget import BudgetGuard
        from sentinel_cli.llm.events import LlmEvents
        from sentinel_cli.llm.ledger import Ledger, ledger_path

        path = ledger_path(settings.data_dir)
        if not path.exists():
            statuses = [_empty(period, limit) for period, limit in limits.items()]
        else:
            try:
                ledger = Ledger(path, read_only=True, timeout=context.timeout)
            except Exception as exc:  # noqa: BLE001 - an unreadable ledger is the finding
                return unhealthy(
                    " ".join(str(exc).split()),
                    f"restore or move away {path}; until then spend cannot be checked",
                )
            try:
                statuses = BudgetGuard(dict(limits), ledger, LlmEvents()).statuses()
            finally:
                ledger.close()
        outcome = self._judge(settings, statuses)
        if settings.llm == "off":
            return outcome.capped(Status.DEGRADED, "the LLM judge is off")
        return outcome

    def _judge(self, settings: Settings, statuses: list[BudgetStatus]) -> Outcome:
        budgets: list[dict[str, Any]] = [
            {
                "period": s.period,
                "limit_usd": s.limit_usd,
                "spent_usd": round(s.spent_usd, 6),
                "used_percent": round(s.used_percent, 1),
                "state": s.state,
            }
            for s in statuses
        ]
        summary = ", ".join(
            f"{s.period} ${s.spent_usd:.2f} of ${s.limit_usd:.2f} ({s.used_percent:.0f}%)" for s in statuses
        )
        facts = {"budgets": budgets, "on_exceeded": settings.budget_exceeded}
        spent = [s for s in statuses if s.state == "exceeded"]
        if spent:
            names = ", ".join(s.period for s in spent)
            if settings.budget_exceeded == "fail":
                return unhealthy(
                    f"{names} budget spent: {summary}",
                    "raise the budget or wait for the period to roll over; scans exit 3 until then",
                    **facts,
                )
            return degraded(
                f"{names} budget spent, the judge is skipped: {summary}",
                "raise the budget or wait for the period to roll over (local verdicts stand meanwhile)",
                **facts,
            )
        if any(s.state == "warning" for s in statuses):
            return degraded(
                f"over 80% of a budget: {summary}",
                "raise the budget before it runs out, or expect the judge to stop at 100%",
                **facts,
            )
        return healthy(summary, **facts)


def _empty(period: Period, limit: float) -> BudgetStatus:
    from sentinel_cli.llm.events import BudgetStatus

    return BudgetStatus(period, limit, 0.0)
