from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli.config import load_settings
from sentinel_cli.errors import ConfigError, UsageError
from sentinel_cli.providers.factory import LazyProvider, provider_configs


def test_keys_and_base_urls_from_settings_else_the_sdk_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sdk-key-a")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://sdk-gateway.invalid")
    monkeypatch.setenv("OPENAI_API_KEY", "sdk-key-o")
    monkeypatch.setenv("SENTINEL_OPENAI_BASE_URL", "http://sentinel-gateway.invalid/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://ignored.invalid/v1")
    settings = load_settings(cwd=tmp_path, llm="always", openai_api_key="settings-key-o")
    anthropic, openai = provider_configs(settings)
    assert (anthropic.api_key, anthropic.base_url) == ("sdk-key-a", "http://sdk-gateway.invalid")
    assert (openai.api_key, openai.base_url) == ("settings-key-o", "http://sentinel-gateway.invalid/v1")
    assert (anthropic.model, openai.model) == ("claude-haiku-5-5", "gpt-6-luna")
    assert "sdk-key-a" not in repr(anthropic)


def test_order_follows_llm_providers_and_providers_without_a_key_are_left_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("SENTINEL_LLM_PROVIDERS", "openai,anthropic")
    settings = load_settings(cwd=tmp_path, llm="always", anthropic_model="claude-sonnet-5-5")
    assert [c.name for c in provider_configs(settings)] == ["openai"]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    assert [(c.name, c.model) for c in provider_configs(settings)] == [
        ("openai", "gpt-6-luna"),
        ("anthropic", "claude-sonnet-5-5"),
    ]


def test_no_key_at_all_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UsageError, match="ANTHROPIC_API_KEY"):
        provider_configs(load_settings(cwd=tmp_path, llm="always"))


def test_unknown_provider_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown provider"):
        load_settings(cwd=tmp_path, llm_providers=["anthropic", "bard"])


def test_lazy_provider_imports_nothing_until_called(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    (config,) = provider_configs(load_settings(cwd=tmp_path, llm="always", llm_providers=["openai"]))
    lazy = LazyProvider(config)
    assert (lazy.name, lazy.model) == ("openai", "gpt-6-luna") and lazy._real is None


def test_prepare_builds_the_real_provider_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    (config,) = provider_configs(load_settings(cwd=tmp_path, llm="always", llm_providers=["openai"]))
    lazy = LazyProvider(config)
    lazy.prepare()
    real = lazy._real
    lazy.prepare()
    assert real is not None and lazy._real is real and type(real).__name__ == "OpenAIProvider"
