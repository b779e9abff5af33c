from __future__ import annotations

import pytest

from sentinel_cli.llm.pricing import DEFAULT_PRICES, PriceTable


def test_defaults_cover_the_default_models_of_both_providers() -> None:
    from sentinel_cli.config import Settings

    fields = Settings.model_fields
    assert fields["anthropic_model"].default in DEFAULT_PRICES
    assert fields["openai_model"].default in DEFAULT_PRICES


def test_cost_per_million_tokens_and_overrides() -> None:
    table = PriceTable({"claude-haiku-5-5": {"input": 1.0, "output": 2.0}, "mine": {"input": 3, "output": 4}})
    assert table.cost("claude-haiku-5-5", 1_000_000, 500_000) == pytest.approx(2.0)
    assert table.cost("mine", 1000, 1000) == pytest.approx(0.007)
    assert table.cost("gpt-6-luna", 1000, 100) == pytest.approx(0.00015)


def test_dated_snapshots_use_their_family_price_and_unknown_models_have_none() -> None:
    table = PriceTable()
    assert table.price("gpt-6-sol-2026-09-22") == DEFAULT_PRICES["gpt-6-sol"]
    assert table.cost("some-local-model", 10, 10) is None
