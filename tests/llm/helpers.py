"""Running the judge stage against the fake API with test settings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sentinel_cli.config import Settings, load_settings
from sentinel_cli.llm.events import JudgeStats, LlmListener
from sentinel_cli.llm.ledger import Ledger, SpendRow, ledger_path
from sentinel_cli.llm.stage import JudgeStage
from sentinel_cli.model import ScanResult
from sentinel_cli.scan_service import build_engine
from tests.fake_llm_api import FakeLlmApi
from tests.helpers import prompt

KEY = "sk-test-judge-a1b2c3d4e5f6"


def judge_settings(fake: FakeLlmApi, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm": "always",
        "anthropic_api_key": KEY,
        "openai_api_key": KEY,
        "anthropic_base_url": fake.anthropic_url,
        "openai_base_url": fake.openai_url,
        "llm_retries": 1,
        "llm_backoff": 0.01,
        "llm_timeout": 10.0,
        "cache_dir": tmp_path / "cache",
        "data_dir": tmp_path / "data",
    }
    values.update(overrides)
    return load_settings(discover=False, **values)


def run_judge(
    settings: Settings, texts: Sequence[str], listeners: Sequence[LlmListener] = ()
) -> tuple[list[ScanResult], JudgeStats]:
    stage = JudgeStage(build_engine(settings), settings, listeners)
    try:
        results = stage.scan_batch([prompt(text, id=f"p{i}") for i, text in enumerate(texts)])
    finally:
        stats = stage.close()
    return results, stats


def ledger_rows(settings: Settings, group: str = "model") -> dict[str, SpendRow]:
    ledger = Ledger(ledger_path(settings.data_dir))
    try:
        return {row.key: row for row in ledger.grouped(group, 0.0)}  # type: ignore[arg-type]
    finally:
        ledger.close()
