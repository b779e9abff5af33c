"""What people see of the LLM judge on stderr: budget warnings and one summary line."""

from __future__ import annotations

from sentinel_cli.cli.errors import report
from sentinel_cli.llm.events import BudgetEvent, JudgeStats, LlmListener


class JudgeNotes(LlmListener):
    def __init__(self, budget_action: str) -> None:
        self.budget_action = budget_action
        self.stats: JudgeStats | None = None

    def on_budget(self, event: BudgetEvent) -> None:
        status = event.status
        spent = f"${status.spent_usd:.4f} of ${status.limit_usd:.4f}"
        if event.kind == "warning":
            report(f"LLM {status.period} budget {status.used_percent:.0f}% used ({spent})", kind="warning")
        elif self.budget_action == "skip":
            report(
                f"LLM {status.period} budget spent ({spent}): the judge is skipped, local verdicts stand",
                kind="warning",
            )

    def on_warning(self, message: str) -> None:
        report(message, kind="warning")

    def on_finish(self, stats: JudgeStats) -> None:
        self.stats = stats
        for model in stats.unpriced_models:
            report(f"no price for model {model}: its calls count as $0 (set llm_prices)", kind="warning")

    def summary_line(self) -> str | None:
        stats = self.stats
        if stats is None:
            return None
        line = (
            f"llm: {stats.judged} judged ({stats.cached} from cache), {stats.calls} API call(s), "
            f"{stats.changed} verdict(s) changed, ${stats.cost_usd:.4f}"
        )
        if stats.errors:
            line += f"; {stats.errors} error(s), local verdicts kept"
        if stats.skipped:
            line += f"; {stats.skipped} skipped"
        return line
