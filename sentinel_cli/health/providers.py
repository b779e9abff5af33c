"""LLM provider checks, one per provider (``llm.anthropic``, ``llm.openai``): the API answers an
authenticated request with the configured key.

The request lists models (no tokens spent) through the same provider classes
and official SDK clients the judge uses, with the same key and base URL
resolution (``providers.factory``). Messages carry the HTTP status and the
URL, never the key or the API's error text (OpenAI quotes part of the key).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, Status, degraded, healthy, skipped, unhealthy

if TYPE_CHECKING:
    from sentinel_cli.config import Settings
    from sentinel_cli.providers.interface import ModelList, Provider

DEFAULT_BASE_URLS = {"anthropic": "https://api.anthropic.com", "openai": "https://api.openai.com/v1"}


def public_url(url: str) -> str:
    """The URL without user and password, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class ProviderCheck(Check):
    timeout_remedy = "check network access to the API (proxy, firewall), or raise --timeout"

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.name = f"llm.{provider}"
        self.title = f"{provider} API answers with the configured key (lists models)"
        self._client: Provider | None = None

    def needed(self, settings: Settings) -> bool:
        return settings.llm != "off" and self.provider in settings.llm_providers

    def prepare(self, context: Context) -> None:
        from sentinel_cli.providers import factory

        if context.settings is None or self.provider not in context.settings.llm_providers:
            return
        config = factory.provider_config(context.settings, self.provider)
        if config is not None:
            # Built now: importing the SDK takes a second or more and is not the API's time.
            self._client = factory.build(dataclasses.replace(config, timeout=context.timeout))

    def run(self, context: Context) -> Outcome:
        from sentinel_cli.providers import factory

        settings = context.require_settings()
        if self.provider not in settings.llm_providers:
            return skipped(f"not in llm_providers ({', '.join(settings.llm_providers)})")
        config = factory.provider_config(settings, self.provider)
        if config is None or self._client is None:
            others = [n for n in settings.llm_providers if factory.provider_config(settings, n)]
            hint = f"set {factory.key_variables(self.provider)}"
            if settings.llm != "off" and not others:
                return unhealthy(f"no API key, and --llm {settings.llm} needs one", hint)
            return skipped(f"no API key ({factory.key_variables(self.provider)} not set)")
        base = public_url(config.base_url or DEFAULT_BASE_URLS[self.provider])
        facts: dict[str, Any] = {
            "base_url": base,
            "model": config.model,
            "models_listed": None,
            "model_listed": None,
            "http_status": None,
            "error": None,
        }
        outcome = self._probe(self._client, base, config.model, context.timeout, facts)
        if settings.llm == "off":
            return outcome.capped(Status.DEGRADED, "the LLM judge is off")
        return outcome

    def _probe(
        self, client: Provider, base: str, model: str, timeout: float, facts: dict[str, Any]
    ) -> Outcome:
        from sentinel_cli.providers.interface import ProviderError

        async def ask() -> ModelList:
            try:
                return await client.list_models()
            finally:
                await client.aclose()

        start = time.perf_counter()
        try:
            models = asyncio.run(ask())
        except ProviderError as exc:
            facts.update(http_status=exc.status, error=exc.kind)
            return self._failure(exc.kind, exc.status, base, timeout, facts)
        elapsed = (time.perf_counter() - start) * 1000.0
        listed = model in models.ids
        facts.update(models_listed=len(models.ids), model_listed=listed, http_status=200)
        summary = f"{base} answered in {elapsed:.0f} ms; key accepted, {len(models.ids)} model(s) listed"
        if not listed and models.complete:
            return degraded(
                f"{summary}, {model} not among them",
                f"set {self.provider}_model (SENTINEL_{self.provider.upper()}_MODEL) to a listed model",
                **facts,
            )
        return healthy(summary + (f", {model} among them" if listed else ""), **facts)

    def _failure(
        self, kind: str, status: int | None, base: str, timeout: float, facts: dict[str, Any]
    ) -> Outcome:
        from sentinel_cli.providers import factory

        http = f"HTTP {status}" if status is not None else kind
        if kind == "auth":
            return unhealthy(
                f"{base} refused the key ({http})",
                f"set a valid key in {factory.key_variables(self.provider)}",
                **facts,
            )
        if kind == "timeout":
            return unhealthy(f"no answer from {base} within {timeout:g}s", self.timeout_remedy, **facts)
        if kind == "connection":
            return unhealthy(
                f"cannot connect to {base}",
                f"check {self.provider}_base_url and network access (proxy, firewall, DNS)",
                **facts,
            )
        if kind in ("rate_limit", "overloaded"):
            return degraded(
                f"{base} accepted the key but is busy ({http})",
                "wait; the judge retries, then fails over to the next provider",
                **facts,
            )
        if kind == "server":
            return unhealthy(
                f"{base} answered {http}",
                "the provider has an outage (see its status page); the judge fails over meanwhile",
                **facts,
            )
        return unhealthy(
            f"{base} answered {http}",
            f"check {self.provider}_base_url (OpenAI-compatible URLs end in /v1)",
            **facts,
        )
