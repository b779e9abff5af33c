"""The detectors check builds whatever the registry holds, so new detectors are checked on arrival."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from sentinel_cli.detectors import registry
from sentinel_cli.detectors.base import Detector
from sentinel_cli.detectors.heuristics import HeuristicDetector
from sentinel_cli.health.detectors import DetectorsCheck
from sentinel_cli.health.model import Status
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalize import Document
from tests.health.helpers import check, context


class TwoRules(Detector):
    id: ClassVar[str] = "tworules"
    version: ClassVar[str] = "7.1"

    def rules(self) -> list[RuleInfo]:
        return [
            RuleInfo(f"T{i}", f"t{i}", "tworules", Category.JAILBREAK, Severity.LOW, 0.5, "", "")
            for i in (1, 2)
        ]

    def detect(self, doc: Document) -> list[Finding]:
        return []


class MissingModel(Detector):
    id: ClassVar[str] = "brokenmodel"

    @classmethod
    def from_settings(cls, settings: object) -> MissingModel:  # type: ignore[override]
        raise FileNotFoundError(2, "No such file or directory", "/opt/model.bin")

    def detect(self, doc: Document) -> list[Finding]:
        return []


@pytest.fixture
def extra_detectors(monkeypatch: pytest.MonkeyPatch) -> None:
    builtins = {
        **registry.BUILTINS,
        "tworules": f"{__name__}:TwoRules",
        "brokenmodel": f"{__name__}:MissingModel",
    }
    monkeypatch.setattr(registry, "BUILTINS", builtins)


def test_default_detectors_load_with_versions_and_rule_counts(tmp_path: Path) -> None:
    result = check(DetectorsCheck(), context(tmp_path))
    assert result.status is Status.HEALTHY
    loaded = {d["id"]: d for d in result.outcome.details["detectors"]}
    assert list(loaded) == list(registry.DEFAULT_DETECTORS)
    heuristics = HeuristicDetector.from_settings(context(tmp_path).require_settings())
    assert loaded["heuristics"]["version"] == heuristics.version
    assert loaded["heuristics"]["rules"] == len(heuristics.rules()) > 0
    assert all(d["error"] is None and d["load_ms"] >= 0 for d in loaded.values())
    assert f"heuristics {heuristics.version} ({len(heuristics.rules())} rules)" in result.outcome.message


@pytest.mark.usefixtures("extra_detectors")
def test_a_newly_registered_detector_is_checked(tmp_path: Path) -> None:
    result = check(DetectorsCheck(), context(tmp_path, detectors=["heuristics", "tworules"]))
    assert result.status is Status.HEALTHY
    assert "tworules 7.1 (2 rules)" in result.outcome.message


@pytest.mark.usefixtures("extra_detectors")
def test_a_detector_that_cannot_load_is_unhealthy_and_named(tmp_path: Path) -> None:
    result = check(DetectorsCheck(), context(tmp_path, detectors=["heuristics", "brokenmodel"]))
    assert result.status is Status.UNHEALTHY
    assert "cannot load brokenmodel: FileNotFoundError" in result.outcome.message
    assert "/opt/model.bin" in result.outcome.message
    assert result.outcome.remedy and "--detectors" in result.outcome.remedy
    states = {d["id"]: d["error"] is None for d in result.outcome.details["detectors"]}
    assert states == {"heuristics": True, "brokenmodel": False}


def test_an_unknown_configured_detector_is_unhealthy(tmp_path: Path) -> None:
    result = check(DetectorsCheck(), context(tmp_path, detectors=["heuristics", "nosuch"]))
    assert result.status is Status.UNHEALTHY and "unknown detector(s): nosuch" in result.outcome.message
