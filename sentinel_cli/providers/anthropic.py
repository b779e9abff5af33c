"""Anthropic Messages API through the official ``anthropic`` SDK (imported only here)."""

from __future__ import annotations

import anthropic

from sentinel_cli.providers.interface import (
    Completion,
    ModelList,
    Provider,
    ProviderConfig,
    SdkErrors,
    translated_errors,
)

SDK_ERRORS = SdkErrors(
    status=anthropic.APIStatusError,
    timeout=anthropic.APITimeoutError,
    connection=anthropic.APIConnectionError,
    base=anthropic.AnthropicError,
)

MODELS_PAGE = 1000
"""The API's largest page: one request usually lists every model."""


class AnthropicProvider(Provider):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        # max_retries=0: retries and backoff are ours (sentinel_cli.providers.resilience).
        self._client = anthropic.AsyncAnthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
        )

    async def complete(self, system: str, user: str) -> Completion:
        with translated_errors(self.name, SDK_ERRORS):
            message = await self._client.messages.create(
                model=self.model,
                max_tokens=self.config.max_output_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            )
            text = "".join(block.text for block in message.content if block.type == "text")
            usage = message.usage
            return Completion(
                text=text, input_tokens=int(usage.input_tokens), output_tokens=int(usage.output_tokens)
            )

    async def list_models(self) -> ModelList:
        with translated_errors(self.name, SDK_ERRORS):
            page = await self._client.models.list(limit=MODELS_PAGE)
            return ModelList(ids=tuple(model.id for model in page.data), complete=not page.has_next_page())

    async def aclose(self) -> None:
        await self._client.close()
