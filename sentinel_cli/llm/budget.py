"""Spend limits per clock hour, UTC day and UTC calendar month.

Spend is read from the ledger, so every job sharing a data directory shares the
budgets. To keep the check cheap the ledger is re-read at most every
``refresh_s`` seconds (and whenever a period rolls over); spend of this process
in between is added locally. At 80% of a limit a warning event is sent once per
period, and at 100% an "exceeded" event, after which ``exceeded()`` says so.

Calls in flight hold a reservation of their estimated cost, which counts as
spent until the real cost is known: with many concurrent calls the budget is
not overshot by a whole wave of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from sentinel_cli.llm.events import BudgetEvent, BudgetStatus, LlmEvents, Period
from sentinel_cli.llm.ledger import Ledger

PERIODS: tuple[Period, ...] = ("hourly", "daily", "monthly")
WARN_AT = 0.8


def period_start(period: Period, now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    if period == "hourly":
        moment = moment.replace(minute=0, second=0, microsecond=0)
    elif period == "daily":
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        moment = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return moment.timestamp()


class BudgetGuard:
    def __init__(
        self,
        limits: Mapping[Period, float | None],
        ledger: Ledger,
        events: LlmEvents,
        *,
        refresh_s: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits: dict[Period, float] = {p: v for p, v in limits.items() if v is not None}
        self._ledger = ledger
        self._events = events
        self._refresh_s = refresh_s
        self._clock = clock
        self._starts: dict[Period, float] = {}
        self._base: dict[Period, float] = {}
        self._local = 0.0
        self._reserved = 0.0
        self._read_at = float("-inf")
        self._announced: set[tuple[Period, float, str]] = set()

    @property
    def active(self) -> bool:
        return bool(self.limits)

    def add(self, cost: float) -> None:
        """Spend of this process not yet seen in a ledger read (the row is already written)."""
        self._local += cost

    def reserve(self, estimate: float) -> None:
        self._reserved += estimate

    def release(self, estimate: float) -> None:
        self._reserved = max(self._reserved - estimate, 0.0)

    def _refresh(self) -> None:
        now = self._clock()
        starts = {period: period_start(period, now) for period in self.limits}
        if starts != self._starts or now - self._read_at >= self._refresh_s:
            self._base = self._ledger.spend_since(starts)
            self._starts = starts
            self._local = 0.0
            self._read_at = now

    def statuses(self) -> list[BudgetStatus]:
        """Spend per period, counting reservations of calls in flight as spent."""
        if not self.active:
            return []
        self._refresh()
        return [
            BudgetStatus(period, limit, self._base.get(period, 0.0) + self._local + self._reserved)
            for period, limit in self.limits.items()
        ]

    def exceeded(self) -> BudgetStatus | None:
        """The first budget that is spent (after announcing any newly crossed mark), else ``None``."""
        spent: BudgetStatus | None = None
        for status in self.statuses():
            state = status.state
            if state == "ok":
                continue
            key = (status.period, self._starts[status.period], state)
            if key not in self._announced:
                self._announced.add(key)
                if state == "exceeded":
                    # Once a budget is spent, its 80% warning would only be noise.
                    self._announced.add((status.period, self._starts[status.period], "warning"))
                self._events.budget(BudgetEvent(kind=state, status=status))
            if state == "exceeded" and spent is None:
                spent = status
        return spent
