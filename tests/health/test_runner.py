"""The runner: concurrent checks, a timeout each, never hangs, never lets one check sink the report."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, Status, healthy
from sentinel_cli.health.runner import GRACE_S, run_checks
from tests.health.helpers import context


class Sleeps(Check):
    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.title = "sleeps"
        self.seconds = seconds
        self.threads: list[str] = []

    def run(self, context: Context) -> Outcome:
        self.threads.append(threading.current_thread().name)
        time.sleep(self.seconds)
        return healthy(f"slept\n{self.seconds}")


class Hangs(Check):
    name = "hangs"
    title = "never returns"
    timeout_remedy = "look at what it waits on"

    def __init__(self) -> None:
        self.release = threading.Event()

    def run(self, context: Context) -> Outcome:
        self.release.wait()
        return healthy("released")


class Raises(Check):
    name = "raises"
    title = "raises"

    def run(self, context: Context) -> Outcome:
        raise PermissionError(13, "Permission denied")


class SlowPrepare(Check):
    name = "slow-prepare"
    title = "slow setup"

    def prepare(self, context: Context) -> None:
        time.sleep(0.4)

    def run(self, context: Context) -> Outcome:
        return healthy("ready")


def test_checks_run_concurrently_on_their_own_threads(tmp_path: Path) -> None:
    checks = [Sleeps(f"s{i}", 0.4) for i in range(4)]
    start = time.monotonic()
    report = run_checks(checks, context(tmp_path))
    elapsed = time.monotonic() - start
    assert elapsed < 1.2, f"four 0.4 s checks took {elapsed:.2f} s: not concurrent"
    assert [r.name for r in report.checks] == ["s0", "s1", "s2", "s3"]
    assert all(r.duration_s >= 0.39 for r in report.checks)
    assert len({c.threads[0] for c in checks}) == 4
    # Messages are always one line.
    assert report.checks[0].outcome.message == "slept 0.4"


def test_a_hanging_check_times_out_and_the_others_still_report(tmp_path: Path) -> None:
    hangs = Hangs()
    try:
        start = time.monotonic()
        report = run_checks([hangs, Sleeps("quick", 0.0)], context(tmp_path, timeout=0.3))
        elapsed = time.monotonic() - start
    finally:
        hangs.release.set()
    assert elapsed < 0.3 + GRACE_S + 0.5
    first, second = report.checks
    assert first.status is Status.UNHEALTHY and first.outcome.message == "timed out after 0.3s"
    assert first.outcome.remedy == "look at what it waits on"
    assert 0.3 <= first.duration_s < 0.3 + GRACE_S + 0.3
    assert second.status is Status.HEALTHY
    assert report.status is Status.UNHEALTHY


def test_an_unexpected_exception_is_an_unhealthy_result(tmp_path: Path) -> None:
    (result,) = run_checks([Raises()], context(tmp_path)).checks
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message == "check failed: PermissionError: [Errno 13] Permission denied"
    assert result.outcome.remedy


def test_without_settings_only_the_config_check_runs(tmp_path: Path) -> None:
    from sentinel_cli.health.config_check import ConfigCheck

    ctx = Context(settings=None, config_error="invalid configuration: mode: bad", config_file=None, timeout=1)
    sleeper = Sleeps("needs-settings", 0.0)
    config, other = run_checks([ConfigCheck(), sleeper], ctx).checks
    assert config.status is Status.UNHEALTHY and "mode: bad" in config.outcome.message
    assert other.outcome.skipped and "configuration is invalid" in other.outcome.message
    assert sleeper.threads == []


def test_prepare_is_outside_the_timer(tmp_path: Path) -> None:
    (result,) = run_checks([SlowPrepare()], context(tmp_path, timeout=0.2)).checks
    assert result.status is Status.HEALTHY and result.duration_s < 0.2
