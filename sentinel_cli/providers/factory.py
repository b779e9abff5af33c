"""Building the configured providers, in failover order, from the settings.

The SDK modules are imported here on demand, so nothing imports ``anthropic``
or ``openai`` unless the judge is used with that provider.
"""

from __future__ import annotations

import importlib
import os

from sentinel_cli.config import Settings
from sentinel_cli.errors import UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.providers.interface import Completion, ModelList, Provider, ProviderConfig

IMPLEMENTATIONS: dict[str, str] = {
    "anthropic": "sentinel_cli.providers.anthropic:AnthropicProvider",
    "openai": "sentinel_cli.providers.openai:OpenAIProvider",
}


@frozen
class _Names:
    key_env: str
    base_url_env: str


_ENV: dict[str, _Names] = {
    "anthropic": _Names("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "openai": _Names("OPENAI_API_KEY", "OPENAI_BASE_URL"),
}


def provider_config(settings: Settings, name: str) -> ProviderConfig | None:
    """The provider's config from the settings, else the SDK's variables; ``None`` without a key."""
    names = _ENV[name]
    key = getattr(settings, f"{name}_api_key").get_secret_value() or os.environ.get(names.key_env, "")
    if not key:
        return None
    base_url = getattr(settings, f"{name}_base_url") or os.environ.get(names.base_url_env) or None
    return ProviderConfig(
        name=name,
        model=getattr(settings, f"{name}_model"),
        api_key=key,
        base_url=base_url,
        timeout=settings.llm_timeout,
        max_output_tokens=settings.llm_max_output_tokens,
    )


def key_variables(name: str) -> str:
    """Where a provider's key is read from, for messages: ``SENTINEL_X_API_KEY or X_API_KEY``."""
    return f"SENTINEL_{_ENV[name].key_env} or {_ENV[name].key_env}"


def provider_configs(settings: Settings) -> list[ProviderConfig]:
    """One config per provider in ``llm_providers`` that has a key; usage error if none has."""
    configs = [c for c in (provider_config(settings, name) for name in settings.llm_providers) if c]
    if not configs:
        wanted = ", ".join(f"{_ENV[n].key_env} or SENTINEL_{_ENV[n].key_env}" for n in settings.llm_providers)
        raise UsageError(f"--llm {settings.llm} needs an API key: set {wanted}")
    return configs


def build(config: ProviderConfig) -> Provider:
    """The provider, its SDK imported now."""
    module_name, _, attribute = IMPLEMENTATIONS[config.name].partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module_name), attribute)
    return cls(config)


class LazyProvider(Provider):
    """Builds (and imports the SDK of) the real provider on its first call.

    A fallback provider that is never needed then costs nothing: the SDKs take
    a second or two each to import.
    """

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        self._real: Provider | None = None

    def prepare(self) -> None:
        if self._real is None:
            self._real = build(self.config)

    async def complete(self, system: str, user: str) -> Completion:
        self.prepare()
        assert self._real is not None
        return await self._real.complete(system, user)

    async def list_models(self) -> ModelList:
        self.prepare()
        assert self._real is not None
        return await self._real.list_models()

    async def aclose(self) -> None:
        if self._real is not None:
            await self._real.aclose()
