"""Prices per model (USD per million tokens) and the cost of a call.

Defaults are the providers' published list prices for short prompts (the
judge's prompts are far below the long-context thresholds), checked in
November 2026. ``llm_prices`` in the settings overrides or adds models.
"""

from __future__ import annotations

from collections.abc import Mapping

from sentinel_cli.config import ModelPrice

DEFAULT_PRICES: dict[str, ModelPrice] = {
    # Anthropic
    "claude-haiku-5-5": {"input": 0.10, "output": 0.50},
    "claude-sonnet-5-5": {"input": 2.00, "output": 10.00},
    "claude-opus-5-5": {"input": 4.00, "output": 20.00},
    "claude-fable-5-1": {"input": 10.00, "output": 50.00},
    "claude-sonnet-5": {"input": 2.00, "output": 10.00},
    "claude-opus-5": {"input": 5.00, "output": 25.00},
    "claude-haiku-4-5": {"input": 1.00, "output": 5.00},
    # OpenAI
    "gpt-6-luna": {"input": 0.10, "output": 0.50},
    "gpt-6-sol": {"input": 2.00, "output": 10.00},
    "gpt-6.1-sol": {"input": 2.00, "output": 10.00},
    "gpt-6-astra": {"input": 10.00, "output": 50.00},
    "gpt-5.6-luna": {"input": 0.20, "output": 1.20},
    "gpt-5.6-terra": {"input": 2.00, "output": 12.00},
    "gpt-5.6-sol": {"input": 5.00, "output": 30.00},
}


class PriceTable:
    """The defaults with the configured overrides on top."""

    def __init__(self, overrides: Mapping[str, ModelPrice] | None = None) -> None:
        self.prices: dict[str, ModelPrice] = {**DEFAULT_PRICES, **(overrides or {})}

    def price(self, model: str) -> ModelPrice | None:
        """Exact id first, then the longest known id the model's name starts with (dated snapshots)."""
        if model in self.prices:
            return self.prices[model]
        candidates = [known for known in self.prices if model.startswith(known + "-")]
        return self.prices[max(candidates, key=len)] if candidates else None

    def cost(self, model: str, input_tokens: int, output_tokens: int) -> float | None:
        """USD for one call, or ``None`` when the model has no price."""
        price = self.price(model)
        if price is None:
            return None
        return (input_tokens * price["input"] + output_tokens * price["output"]) / 1_000_000
