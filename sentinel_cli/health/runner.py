"""Runs checks concurrently, each with its own timeout, and never hangs.

Each check runs on a daemon thread; the runner waits for it until its timeout
(plus a short grace, so a check that times out its own request can say so
itself) and then reports it as timed out and moves on. A thread left behind
cannot keep the process alive. Slow one-time setup (``Check.prepare``, e.g.
importing an SDK) happens first, outside the timers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sentinel_cli import __version__
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import CheckResult, HealthReport, Outcome, skipped, unhealthy

GRACE_S = 0.25


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unexpected(exc: BaseException) -> Outcome:
    detail = _one_line(str(exc))
    return unhealthy(
        f"check failed: {type(exc).__name__}{': ' + detail if detail else ''}",
        "unexpected error while checking; the message names the cause",
    )


class _Slot:
    """One check's result; the first to finish it (the check or the timeout) wins."""

    def __init__(self, check: Check) -> None:
        self.check = check
        self.done = threading.Event()
        self.started = 0.0
        self._lock = threading.Lock()
        self.result: CheckResult | None = None

    def finish(self, outcome: Outcome, duration: float) -> None:
        clean = Outcome(
            outcome.status,
            _one_line(outcome.message),
            _one_line(outcome.remedy) if outcome.remedy else None,
            outcome.details,
            outcome.skipped,
        )
        with self._lock:
            if self.result is None:
                self.result = CheckResult(self.check.name, clean, duration)
        self.done.set()


def _work(slot: _Slot, context: Context, clock: Callable[[], float]) -> None:
    slot.started = clock()
    try:
        outcome = slot.check.run(context)
    except Exception as exc:  # noqa: BLE001 - one broken check must not sink the report
        outcome = _unexpected(exc)
    slot.finish(outcome, clock() - slot.started)


def run_checks(
    checks: Sequence[Check],
    context: Context,
    *,
    probe: str = "all",
    clock: Callable[[], float] = time.monotonic,
) -> HealthReport:
    timestamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    began = clock()
    slots = [_Slot(check) for check in checks]
    pending: list[_Slot] = []
    for slot in slots:
        if slot.check.needs_settings and context.settings is None:
            slot.finish(skipped("not checked: the configuration is invalid"), 0.0)
            continue
        try:
            slot.check.prepare(context)
        except Exception as exc:  # noqa: BLE001 - reported as the check's result
            slot.finish(_unexpected(exc), 0.0)
            continue
        pending.append(slot)
    for slot in pending:
        slot.started = clock()
        threading.Thread(
            target=_work, args=(slot, context, clock), name=f"health-{slot.check.name}", daemon=True
        ).start()
    for slot in pending:
        remaining = slot.started + context.timeout + GRACE_S - clock()
        if not slot.done.wait(max(remaining, 0.0)):
            slot.finish(
                unhealthy(f"timed out after {context.timeout:g}s", slot.check.timeout_remedy),
                clock() - slot.started,
            )
    results = tuple(slot.result for slot in slots if slot.result is not None)
    return HealthReport(
        checks=results,
        probe=probe,
        timestamp=timestamp,
        duration_s=clock() - began,
        timeout_s=context.timeout,
        version=__version__,
    )
