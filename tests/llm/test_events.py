from __future__ import annotations

from sentinel_cli.llm.events import (
    BudgetEvent,
    BudgetStatus,
    JudgeStats,
    LlmCallRecord,
    LlmEvents,
    LlmListener,
)


def test_budget_states_at_80_and_100_percent() -> None:
    assert BudgetStatus("daily", 10.0, 7.9).state == "ok"
    assert BudgetStatus("daily", 10.0, 8.0).state == "warning"
    assert BudgetStatus("daily", 10.0, 10.0).state == "exceeded"
    assert BudgetStatus("hourly", 4.0, 1.0).used_percent == 25.0


def test_every_listener_gets_every_event_in_order() -> None:
    seen: list[str] = []

    class Spy(LlmListener):
        def __init__(self, name: str) -> None:
            self.name = name

        def on_call(self, record: LlmCallRecord) -> None:
            seen.append(f"{self.name}:call:{record.provider}")

        def on_budget(self, event: BudgetEvent) -> None:
            seen.append(f"{self.name}:budget:{event.kind}")

        def on_finish(self, stats: JudgeStats) -> None:
            seen.append(f"{self.name}:finish:{stats.calls}")

    events = LlmEvents([Spy("a")])
    events.subscribe(Spy("b"))
    events.call(LlmCallRecord("openai", "m", "j", 0.0, 0.1))
    events.budget(BudgetEvent("warning", BudgetStatus("daily", 1.0, 0.9)))
    events.finish(JudgeStats(calls=3))
    events_plain = LlmEvents([LlmListener()])  # the base class ignores everything
    events_plain.finish(JudgeStats())
    assert seen == [
        "a:call:openai",
        "b:call:openai",
        "a:budget:warning",
        "b:budget:warning",
        "a:finish:3",
        "b:finish:3",
    ]
