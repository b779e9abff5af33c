from __future__ import annotations

from sentinel_cli.health.model import (
    CheckResult,
    HealthReport,
    Status,
    degraded,
    healthy,
    skipped,
    unhealthy,
    worst,
)


def report(*results: CheckResult) -> HealthReport:
    return HealthReport(results, "all", "2026-11-26T00:00:00.000Z", 0.1, 5.0, "0")


def test_overall_is_the_worst_status() -> None:
    assert worst([]) is Status.HEALTHY
    assert worst([Status.HEALTHY, Status.DEGRADED]) is Status.DEGRADED
    assert worst([Status.UNHEALTHY, Status.DEGRADED, Status.HEALTHY]) is Status.UNHEALTHY
    results = (
        CheckResult("a", healthy("fine"), 0.0),
        CheckResult("b", degraded("slow", "wait"), 0.0),
        CheckResult("c", skipped("nothing to check"), 0.0),
    )
    assert report(*results).status is Status.DEGRADED
    assert report(*results, CheckResult("d", unhealthy("down", "start it"), 0.0)).status is Status.UNHEALTHY


def test_skipped_checks_are_healthy_and_counted_apart() -> None:
    results = (
        CheckResult("a", healthy("fine"), 0.0),
        CheckResult("b", skipped("no key"), 0.0),
        CheckResult("c", unhealthy("down", "start it"), 0.0),
    )
    assert results[1].status is Status.HEALTHY
    assert report(*results).counts() == {"healthy": 1, "degraded": 0, "unhealthy": 1, "skipped": 1}


def test_capping_keeps_better_outcomes_and_says_why() -> None:
    bad = unhealthy("cannot write", "fix it")
    capped = bad.capped(Status.DEGRADED, "not in use")
    assert capped.status is Status.DEGRADED and capped.message == "cannot write (not in use)"
    assert capped.remedy == "fix it"
    fine = healthy("ok")
    assert fine.capped(Status.DEGRADED, "x") is fine


def test_result_dict_has_a_remedy_only_when_not_healthy() -> None:
    good = CheckResult("a", healthy("ok", size=1), 0.01234).to_dict()
    assert good == {
        "name": "a",
        "status": "healthy",
        "skipped": False,
        "duration_ms": 12.3,
        "message": "ok",
        "remedy": None,
        "details": {"size": 1},
    }
    assert CheckResult("b", degraded("slow", "wait"), 0.0).to_dict()["remedy"] == "wait"
